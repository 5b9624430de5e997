package com.imagegate.generation;

/**
 * What a creation would cost and whether it would be accepted now ({@link Generations#quote}): the answer of
 * acceptance's own checks, run in a transaction that is always rolled back.
 *
 * @param credits what the task would reserve (0 for a test key)
 * @param balance the workspace's spendable credits now
 * @param refusal the refusal the creation would meet now, or null when it would be accepted
 */
public record Quote(long credits, long balance, GenerationException refusal) {

    public boolean accepted() {
        return refusal == null;
    }

    /** The spendable balance once the task is accepted; the balance as it is when it would be refused. */
    public long balanceAfter() {
        return accepted() ? balance - credits : balance;
    }
}
