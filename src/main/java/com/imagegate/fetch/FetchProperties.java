package com.imagegate.fetch;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Server-side fetches of reference images ({@code image_urls}, {@code image_url}) and of upstream {@code url} answers.
 * Webhook deliveries go through the same guarded fetcher with their own deadline, {@code imagegate.webhooks.timeout}.
 *
 * @param allowPrivateHosts test-only: lets image_urls and callback_url reach loopback and private addresses
 * @param totalTimeout the deadline of one whole fetch — connecting, every redirect and the whole body — however the
 *     server paces its bytes (each single read still has its own 10 s limit)
 */
@ConfigurationProperties("imagegate.fetch")
public record FetchProperties(
        boolean allowPrivateHosts, @DefaultValue("30s") Duration totalTimeout) {

    public FetchProperties {
        if (totalTimeout.isNegative() || totalTimeout.isZero()) {
            throw new IllegalArgumentException("imagegate.fetch.total-timeout must be positive");
        }
    }
}
