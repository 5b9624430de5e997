package com.imagegate.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhooks: task callbacks ({@code callback_url}) and workspace endpoints.
 *
 * @param timeout connect and response budget of one delivery attempt; a receiver slower than this is a failed attempt
 * @param backoffBase the wait after the first failed attempt; it doubles after each further failure
 * @param backoffMax the longest wait between two attempts
 * @param maxAge attempts stop once this long has passed since the task ended; the delivery is then failed
 * @param rotationGrace after a rotation, the previous secret keeps signing (a second signature) this long
 * @param allowHttp test-only: accept {@code http://} callback URLs (production needs https); generation's
 *     {@code callback_url} check at task acceptance reads this same key by name (it cannot depend on this module);
 *     endpoint URLs are checked with it too
 * @param maxEndpoints how many endpoints one workspace may have
 */
@ConfigurationProperties("imagegate.webhooks")
public record WebhookProperties(
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("10s") Duration backoffBase,
        @DefaultValue("1h") Duration backoffMax,
        @DefaultValue("24h") Duration maxAge,
        @DefaultValue("24h") Duration rotationGrace,
        boolean allowHttp,
        @DefaultValue("10") int maxEndpoints) {

    public WebhookProperties {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("imagegate.webhooks.timeout must be positive");
        }
        if (backoffBase.isNegative() || backoffBase.isZero() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException(
                    "imagegate.webhooks.backoff-base must be positive and at most imagegate.webhooks.backoff-max");
        }
        if (maxEndpoints < 1) {
            throw new IllegalArgumentException("imagegate.webhooks.max-endpoints must be at least 1");
        }
        if (maxAge.isNegative() || rotationGrace.isNegative()) {
            throw new IllegalArgumentException("imagegate.webhooks.max-age and .rotation-grace must not be negative");
        }
    }

    /** The wait after the {@code attempt}-th failed attempt (1-based): base × 2^(attempt-1), at most the max. */
    public Duration backoffAfter(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        Duration wait = backoffBase.multipliedBy(1L << doublings);
        return wait.compareTo(backoffMax) > 0 ? backoffMax : wait;
    }
}
