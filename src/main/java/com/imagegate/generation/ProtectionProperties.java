package com.imagegate.generation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Protecting the operator's upstream account (docs/operations.md, "Content policy"): the end-user identifier sent
 * upstream, the moderation pre-check, strikes and pauses, the prompt denylist.
 *
 * @param endUserKey the HMAC key of the end-user identifier sent upstream in OpenAI's {@code user} field, at least 32
 *     characters; from the environment only. When unset, a random key is made once and kept in the database, so every
 *     node sends the same identifier for the same end user
 * @param moderation the pre-check of prompts with the upstream's moderation endpoint
 * @param strikesPerDay content-policy refusals within 24 hours that pause a workspace's generation (0: never pause)
 * @param denylistMaxEntries the most phrases the admins' denylist holds
 */
@ConfigurationProperties("imagegate.protection")
public record ProtectionProperties(
        String endUserKey,
        @DefaultValue Moderation moderation,
        @DefaultValue("5") int strikesPerDay,
        @DefaultValue("500") int denylistMaxEntries) {

    public ProtectionProperties {
        if (endUserKey != null && !endUserKey.isBlank() && endUserKey.length() < 32) {
            throw new IllegalArgumentException("imagegate.protection.end-user-key must have at least 32 characters");
        }
        if (strikesPerDay < 0) {
            throw new IllegalArgumentException("imagegate.protection.strikes-per-day must not be negative");
        }
        if (denylistMaxEntries < 0 || denylistMaxEntries > 10_000) {
            throw new IllegalArgumentException("imagegate.protection.denylist-max-entries must be 0 to 10000");
        }
    }

    @Override
    public String toString() {
        return "ProtectionProperties[endUserKey=" + (endUserKey == null ? null : "***") + ", moderation=" + moderation
                + ", strikesPerDay=" + strikesPerDay + ", denylistMaxEntries=" + denylistMaxEntries + "]";
    }

    /**
     * @param enabled check each prompt bound for the upstream ({@code openai} provider, live keys) with {@code POST
     *     /v1/moderations} before the task is accepted and paid for
     * @param model the moderation model asked for
     * @param timeout how long the pre-check may take before the endpoint counts as down
     * @param whenUnavailable what happens when the moderation endpoint is down (an error, a timeout, an answer that is
     *     not its wire format): {@code allow} (default: the prompt goes on, the upstream's own safety system still
     *     checks it) or {@code refuse} (503 {@code moderation_unavailable}, nothing charged)
     */
    public record Moderation(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("omni-moderation-latest") String model,
            @DefaultValue("5s") Duration timeout,
            @DefaultValue("allow") WhenUnavailable whenUnavailable) {}

    public enum WhenUnavailable {
        ALLOW,
        REFUSE
    }
}
