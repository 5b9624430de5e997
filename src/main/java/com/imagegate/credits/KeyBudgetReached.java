package com.imagegate.credits;

import java.time.Instant;

/**
 * An API key reached {@code level} percent (80 or 100) of its budget ({@link KeyCap}) in the current budget period:
 * published once per key, period and level. Either an accepted reservation took the key's spend to the level (inside
 * the reserving transaction, under the workspace's balance-row lock), or, for level 100 only, a creation was refused
 * because it would have passed the budget ({@link Credits#keyBudgetRefused}, in a transaction of its own; then {@code
 * refused} is the refused request's credits and {@code spent} may be below the budget). Listen after the commit
 * ({@code @TransactionalEventListener}): a reservation that rolls back (a quote, a caller's failed transaction)
 * published it for nothing, and its "alert sent" row rolls back with it.
 *
 * @param level 80 or 100
 * @param periodStart the start of the budget period (UTC), {@code resetsAt} its end
 * @param spent what the key spent in the period, this reservation included (a refused one excluded)
 * @param refused the credits of the creation the budget refused, or 0 when spending reached the level
 */
public record KeyBudgetReached(
        String workspaceId,
        String apiKeyId,
        int level,
        BudgetPeriod period,
        Instant periodStart,
        Instant resetsAt,
        long budget,
        long spent,
        long refused) {

    /** Reached by spending. */
    public KeyBudgetReached(
            String workspaceId,
            String apiKeyId,
            int level,
            BudgetPeriod period,
            Instant periodStart,
            Instant resetsAt,
            long budget,
            long spent) {
        this(workspaceId, apiKeyId, level, period, periodStart, resetsAt, budget, spent, 0);
    }

    /** Whether a refused creation, not spending, raised it. */
    public boolean byRefusal() {
        return refused > 0;
    }
}
