package com.imagegate.credits;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The ledger recomputed from its entries.
 *
 * @param workspaces how many workspaces were checked
 * @param consistent true when no cached balance differs from the sum of its entries and nothing is negative
 * @param discrepancies every difference found
 * @param staleReservations reservations older than {@code staleAfter} that were neither captured nor released
 */
public record IntegrityReport(
        Instant checkedAt,
        int workspaces,
        boolean consistent,
        List<Discrepancy> discrepancies,
        Duration staleAfter,
        List<StaleReservation> staleReservations) {

    public IntegrityReport {
        discrepancies = List.copyOf(discrepancies);
        staleReservations = List.copyOf(staleReservations);
        if (consistent != discrepancies.isEmpty()) {
            throw new IllegalArgumentException("consistent must say whether there are discrepancies");
        }
    }

    /**
     * @param subject what was checked, e.g. {@code account}, {@code lot lot_…}, {@code entry ent_…}
     * @param field the checked value, e.g. {@code spendable}
     * @param recorded the stored value
     * @param expected the value recomputed from entries
     */
    public record Discrepancy(String workspaceId, String subject, String field, long recorded, long expected) {}

    public record StaleReservation(String reference, String workspaceId, long credits, Instant createdAt) {}
}
