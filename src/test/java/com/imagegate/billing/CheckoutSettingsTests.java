package com.imagegate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code imagegate.billing.checkout.allow-promotion-codes}: off unless set, and bound from its published name. */
class CheckoutSettingsTests {

    private static BillingProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("imagegate.billing", BillingProperties.class);
    }

    @Test
    void stripePromotionCodesAreOffByDefault() {
        assertThat(bind(Map.of()).checkout().allowPromotionCodes()).isFalse();
    }

    @Test
    void theSettingTurnsThemOn() {
        assertThat(bind(Map.of("imagegate.billing.checkout.allow-promotion-codes", "true"))
                        .checkout()
                        .allowPromotionCodes())
                .isTrue();
    }
}
