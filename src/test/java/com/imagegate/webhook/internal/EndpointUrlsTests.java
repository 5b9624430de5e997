package com.imagegate.webhook.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.fetch.FetchProperties;
import com.imagegate.webhook.WebhookEndpointException;
import com.imagegate.webhook.WebhookProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The endpoint URL check at save time with production settings (https only, no private hosts): the ITs run with
 * both relaxed to reach their local receiver, so the refusals are proven here.
 */
class EndpointUrlsTests {

    static EndpointUrls production() {
        var webhooks = new WebhookProperties(
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofHours(1),
                Duration.ofHours(24),
                Duration.ofHours(24),
                false,
                10);
        return new EndpointUrls(webhooks, new FetchProperties(false, Duration.ofSeconds(30)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://127.0.0.1/hook",
                "https://localhost/hook",
                "https://api.localhost/hook",
                "https://10.1.2.3/hook",
                "https://192.168.0.10/hook",
                "https://172.16.0.1/hook",
                "https://169.254.169.254/latest/meta-data",
                "https://[::1]/hook",
                "https://metadata.google.internal/hook",
                "https://0.0.0.0/hook"
            })
    void privateLoopbackAndMetadataHostsAreRefused(String url) {
        assertThatThrownBy(() -> production().check(url))
                .isInstanceOf(WebhookEndpointException.class)
                .hasMessageContaining("must not point at a private")
                .extracting(e -> ((WebhookEndpointException) e).field())
                .isEqualTo("url");
    }

    @Test
    void plainHttpIsRefusedInProduction() {
        assertThatThrownBy(() -> production().check("http://93.184.215.14/hook"))
                .isInstanceOf(WebhookEndpointException.class)
                .hasMessageContaining("https://");
    }

    @Test
    void aPublicHttpsAddressIsAcceptedAsTyped() {
        assertThat(production().check("  https://93.184.215.14/hook?x=1 ")).isEqualTo("https://93.184.215.14/hook?x=1");
    }
}
