package com.imagegate.credits;

import java.util.Optional;

/**
 * The credits ledger: the only way any module reads or changes a workspace's credits.
 *
 * <p>Every change is an append-only entry with a unique idempotency reference, so replaying a command (a retried job,
 * a replayed webhook) returns the first outcome instead of counting twice. Writes to one workspace are serialized by a
 * row lock, so concurrent reserves can never take its spendable credits below zero. Each method is one transaction;
 * called inside a caller's transaction it joins it (a task row and its reservation then commit together) and holds the
 * workspace's lock until that transaction ends, so keep such transactions short.
 */
public interface Credits {

    /** Adds a lot of credits (signup, pack, plan, admin). A replayed reference returns the first entry. */
    LedgerEntry grant(Grant grant);

    /**
     * Takes credits from the workspace's unexpired lots, the one expiring first first, all or nothing.
     *
     * @throws InsufficientCreditsException when fewer credits are spendable
     * @throws KeyCapExceededException when the API key's budget for the current period would be exceeded
     */
    Reservation reserve(Reserve reserve);

    /**
     * What the API key spent in the current {@code period} (UTC, by the application's clock): what its reservations
     * made in the period hold or captured, the same sum {@link #reserve} checks its budget against.
     */
    KeyBudgetUsage keyBudgetUsage(String apiKeyId, BudgetPeriod period);

    /**
     * A creation with an API key was refused by the key's budget ({@link KeyCapExceededException} from {@link
     * #reserve}, whose transaction rolled back): the key is stopped for what it was asked, so its owners get the 100%
     * alert now unless its period already had one. Records the alert ({@code credit_key_budget_alerts}, marked as a
     * refusal) and publishes {@link KeyBudgetReached} (level 100, {@code refused} &gt; 0) in a transaction of its own,
     * under the workspace's balance-row lock: once per key and period, however many refusals run in parallel on
     * however many nodes. Call it after the refusing transaction ended, and never for a quote (a quote writes nothing).
     */
    void keyBudgetRefused(String workspaceId, KeyCapExceededException refused);

    /**
     * Locks the workspace's balance row (creating it, empty, when the workspace never had credits) until the caller's
     * transaction ends: the lock every reserve takes, for a caller that must serialize per workspace without
     * reserving anything (the concurrent-task check of a free test-key task). Call it inside a transaction.
     */
    void lock(String workspaceId);

    /** Charges up to the reserved credits and releases the rest; a replay returns the same settlement. */
    Settlement capture(Capture capture);

    /** Gives the reserved credits back; a replay returns the same settlement. */
    Settlement release(Release release);

    /** An admin correction: positive adds a non-expiring lot, negative takes spendable credits (never below zero). */
    LedgerEntry adjust(Adjust adjust);

    /** A chargeback: takes back up to the credits asked for, as far as they are still spendable (never below zero). */
    LedgerEntry clawback(Clawback clawback);

    /**
     * Writes off what is still available in the lot that the grant {@code writeOff.grantReference()} added (a plan
     * allowance replaced by the next one): one {@link EntryKind#PLAN_CHANGE} entry. Credits held by running tasks stay
     * held. A replayed reference returns the first entry.
     *
     * @return the entry, or empty when the lot had nothing available (nothing is written then)
     */
    Optional<LedgerEntry> writeOff(WriteOff writeOff);

    /** Spendable and reserved credits now, and the lots they sit in. */
    Balance balance(String workspaceId);

    /** The workspace's entries, newest first, one page at a time. */
    HistoryPage history(HistoryQuery query);

    /** Recomputes every workspace's balance from its entries and lists reservations left open too long. */
    IntegrityReport integrityReport();
}
