package com.imagegate.billing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Payments.
 *
 * @param stripe the Stripe account; unset keys mean payments are off and the billing pages say so
 * @param checkout how the Checkout Sessions we create look
 */
@ConfigurationProperties("imagegate.billing")
public record BillingProperties(
        @DefaultValue Stripe stripe, @DefaultValue Checkout checkout) {

    /**
     * @param allowPromotionCodes show Stripe's promotion code field on pack Checkouts ({@code allow_promotion_codes}).
     *     A Stripe discount changes what the customer pays, never the credits the pack grants; plan Checkouts never
     *     offer it, because plan credits follow the money paid (see docs/billing.md)
     */
    public record Checkout(@DefaultValue("false") boolean allowPromotionCodes) {}

    /**
     * @param secretKey the Stripe secret key ({@code IMAGEGATE_BILLING_STRIPE_SECRET_KEY}); from the environment only
     * @param webhookSecret the signing secret of the Stripe webhook endpoint
     * @param apiBase Stripe's API base; tests point it at a local fake
     * @param webhookTolerance how old a webhook's signed timestamp may be (replay protection)
     * @param hostedPageOrigins origins of Stripe's hosted pages (Checkout, portal) that our forms redirect to; the
     *     browser's CSP {@code form-action} allows them
     * @param webhookMaxBodyBytes the largest webhook body accepted (Stripe's events are a few kB); a larger one is
     *     refused with 413 from its Content-Length, or once a chunked body passes it, before it is read whole
     */
    public record Stripe(
            String secretKey,
            String webhookSecret,
            @DefaultValue("https://api.stripe.com") URI apiBase,
            @DefaultValue("5m") Duration webhookTolerance,

            @DefaultValue({"https://checkout.stripe.com", "https://billing.stripe.com"})
            List<String> hostedPageOrigins,

            @DefaultValue("1048576") int webhookMaxBodyBytes) {

        public Stripe {
            if (webhookMaxBodyBytes < 1024) {
                throw new IllegalArgumentException(
                        "imagegate.billing.stripe.webhook-max-body-bytes must be at least 1024");
            }
        }

        public boolean isConfigured() {
            return secretKey != null && !secretKey.isBlank();
        }

        @Override
        public String toString() {
            return "Stripe[secretKey=" + (secretKey == null ? null : "***") + ", webhookSecret="
                    + (webhookSecret == null ? null : "***") + ", apiBase=" + apiBase + ", webhookTolerance="
                    + webhookTolerance + "]";
        }
    }
}
