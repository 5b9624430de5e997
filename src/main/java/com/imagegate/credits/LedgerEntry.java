package com.imagegate.credits;

import java.time.Instant;

/**
 * One line of the ledger. Balances are sums of these: spendable = sum of {@code credits}, reserved = sum of
 * {@code held}.
 *
 * @param credits signed change of the spendable credits (a reserve is negative, a release positive, a capture zero)
 * @param held signed change of the reserved credits (a reserve is positive, a capture or release negative)
 * @param reservation the reservation's reference for reserve, capture and release entries, else {@code null}
 */
public record LedgerEntry(
        String id,
        String workspaceId,
        EntryKind kind,
        long credits,
        long held,
        String reference,
        String reservation,
        String apiKeyId,
        String actor,
        String reason,
        Instant createdAt) {}
