package com.imagegate.credits;

import java.time.Instant;

/**
 * One lot of a {@link Balance}.
 *
 * @param granted what the lot came with
 * @param available not spent, not reserved
 * @param reserved held by open reservations
 * @param expiresAt when the unspent credits are written off; {@code null} for never
 */
public record LotBalance(
        String lotId,
        LotSource source,
        long granted,
        long available,
        long reserved,
        Instant expiresAt,
        Instant grantedAt) {}
