package com.imagegate.credits;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only views of the whole ledger across workspaces, for the admin console. Every figure is a sum of
 * {@code credit_entry} rows, so it agrees with the ledger by construction.
 */
public interface LedgerReports {

    /** The entry written with this idempotency reference, if any (e.g. to tell whether a refund was already made). */
    Optional<LedgerEntry> entry(String reference);

    /** The entries of one reservation (reserve, capture, release, write-off), oldest first. */
    List<LedgerEntry> entriesOfReservation(String reservationReference);

    /** Sums per entry kind of the entries created in {@code [from, to)}. */
    Map<EntryKind, KindTotal> totals(Instant from, Instant to);

    /** Sums per UTC day and kind of the entries created on the days {@code from} to {@code to} (inclusive). */
    List<DailyTotal> daily(LocalDate from, LocalDate to);

    /** The workspaces that spent (captured) the most credits in {@code [from, to)}, the most first. */
    List<WorkspaceSpend> topSpenders(Instant from, Instant to, int limit);

    /**
     * @param credits sum of the entries' change of spendable credits
     * @param held sum of their change of reserved credits
     * @param entries how many entries
     */
    record KindTotal(long credits, long held, long entries) {

        /** What captures charged: a capture moves credits out of "reserved" ({@code held} is negative). */
        public long captured() {
            return -held;
        }
    }

    record DailyTotal(LocalDate day, EntryKind kind, long credits, long held) {}

    record WorkspaceSpend(String workspaceId, long credits) {}
}
