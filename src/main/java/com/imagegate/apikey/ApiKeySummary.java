package com.imagegate.apikey;

import java.time.Instant;

/**
 * A key as its workspace's owners see it: everything but the secret, which is never stored.
 *
 * @param id {@code key_…}
 * @param name what its owner called it
 * @param prefix the secret's first characters, e.g. {@code ig_live_AbC1}, so people can tell keys apart
 * @param mode live or test
 * @param createdBy the user who created it
 * @param createdAt when
 * @param expiresAt when it stops working by itself, or {@code null} for never
 * @param monthlyCreditCap its budget: the most credits it may spend per {@code budgetPeriod}, or {@code null}
 * @param budgetPeriod the period the budget is counted over (UTC); {@code month} for a key without a budget
 * @param revokedAt when it was revoked, or {@code null}
 * @param lastUsedAt when it last authenticated a call (to within a minute), or {@code null}
 * @param lastUsedIp the address of that call, or {@code null}
 * @param userDailyCreditLimit the key's own daily credit limit per end user, overriding the workspace's default, or
 *     {@code null} for the default ({@link NewApiKey#userDailyCreditLimit()})
 */
public record ApiKeySummary(
        String id,
        String name,
        String prefix,
        ApiKeyMode mode,
        String createdBy,
        Instant createdAt,
        Instant expiresAt,
        Long monthlyCreditCap,
        KeyBudgetPeriod budgetPeriod,
        Instant revokedAt,
        Instant lastUsedAt,
        String lastUsedIp,
        Long userDailyCreditLimit) {

    public ApiKeySummary {
        if (budgetPeriod == null) {
            budgetPeriod = KeyBudgetPeriod.MONTH;
        }
    }

    /** Whether the key works now. */
    public enum Status {
        ACTIVE,
        EXPIRED,
        REVOKED
    }

    /** Revoked wins over expired; a key is expired from the instant {@link #expiresAt()} on. */
    public Status status(Instant now) {
        if (revokedAt != null) {
            return Status.REVOKED;
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return Status.EXPIRED;
        }
        return Status.ACTIVE;
    }
}
