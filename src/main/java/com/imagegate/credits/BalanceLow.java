package com.imagegate.credits;

/**
 * A workspace's spendable balance fell below its low-balance threshold ({@link BalanceAlerts}): published once per
 * crossing, inside the transaction that lowered the balance (or saved a threshold above it), under the workspace's
 * balance-row lock. Listen after the commit ({@code @TransactionalEventListener}): a transaction that rolls back (a
 * refused task, a quote) published it for nothing, and its "alert sent" mark rolls back with it.
 *
 * @param balance the spendable credits the transaction left
 */
public record BalanceLow(String workspaceId, long balance, long threshold) {}
