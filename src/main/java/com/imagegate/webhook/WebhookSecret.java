package com.imagegate.webhook;

import java.time.Instant;

/**
 * A workspace's webhook signing secret, {@code whsec_} + base64 of 32 random bytes (the Standard Webhooks form).
 *
 * @param secret the current secret
 * @param createdAt when the current secret was made
 * @param previousValidUntil until when the previous secret still signs beside it after a rotation; null when none
 */
public record WebhookSecret(String secret, Instant createdAt, Instant previousValidUntil) {

    @Override
    public String toString() {
        return "WebhookSecret[secret=***, createdAt=" + createdAt + ", previousValidUntil=" + previousValidUntil + "]";
    }
}
