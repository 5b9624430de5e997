package com.imagegate.credits;

import java.time.Instant;

/**
 * An accepted reservation took an API key's spend in the current budget period to {@code level} percent (80 or 100)
 * of its budget ({@link KeyCap}): published once per key, period and level, inside the reserving transaction, under
 * the workspace's balance-row lock. Listen after the commit ({@code @TransactionalEventListener}): a reservation that
 * rolls back (a quote, a caller's failed transaction) published it for nothing, and its "alert sent" row rolls back
 * with it.
 *
 * @param level 80 or 100
 * @param periodStart the start of the budget period (UTC), {@code resetsAt} its end
 * @param spent what the key spent in the period, this reservation included
 */
public record KeyBudgetReached(
        String workspaceId,
        String apiKeyId,
        int level,
        BudgetPeriod period,
        Instant periodStart,
        Instant resetsAt,
        long budget,
        long spent) {}
