package com.imagegate.credits;

/**
 * A workspace's spendable balance fell below its auto top-up threshold ({@link TopUpTriggers}), or the trigger was set
 * while the balance was already below it: published once per crossing, inside the transaction that caused it, under
 * the workspace's balance-row lock, on whichever node that transaction ran. Listen after the commit: a transaction
 * that rolls back published it for nothing.
 *
 * @param crossingId identifies this crossing ({@code tuc_…}): the same crossing always has the same id, a new crossing a
 *     new one, so a listener can derive idempotent work from it
 * @param balance the spendable credits the transaction left
 */
public record TopUpThresholdCrossed(String workspaceId, String crossingId, long balance, long threshold) {}
