package com.imagegate.credits.internal;

import com.imagegate.credits.LotBalance;
import com.imagegate.credits.LotSource;
import java.time.Instant;
import java.util.Comparator;

/** A lot as stored: what it came with, what is still available and what open reservations hold. */
record Lot(
        String id,
        String workspaceId,
        LotSource source,
        long granted,
        long available,
        long held,
        Instant expiresAt,
        Instant createdAt) {

    /**
     * The order credits are spent in: the lot expiring first first, lots that never expire last; among equals the
     * older lot first, then by id so the order is total.
     */
    static final Comparator<Lot> SPEND_ORDER = Comparator.comparing(
                    Lot::expiresAt, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .thenComparing(Lot::createdAt)
            .thenComparing(Lot::id);

    /** Expired at {@code now}: its expiry instant has come. A lot that never expires never is. */
    boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /** What a reserve may take from it at {@code now}. */
    long spendableAt(Instant now) {
        return expiredAt(now) ? 0 : available;
    }

    LotBalance view() {
        return new LotBalance(id, source, granted, available, held, expiresAt, createdAt);
    }
}
