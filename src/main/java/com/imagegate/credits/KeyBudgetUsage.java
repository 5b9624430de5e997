package com.imagegate.credits;

import java.time.Instant;

/**
 * What an API key spent in the current period: what its reservations made in [{@code from}, {@code resetsAt}) hold or
 * captured.
 *
 * @param refused whether a creation with the key was refused by its budget in this period (recorded once, with the
 *     100% alert: {@link Credits#keyBudgetRefused})
 */
public record KeyBudgetUsage(
        String apiKeyId, BudgetPeriod period, long spent, Instant from, Instant resetsAt, boolean refused) {

    /** Usage without the refusal mark (as the reservation's check computes it). */
    public KeyBudgetUsage(String apiKeyId, BudgetPeriod period, long spent, Instant from, Instant resetsAt) {
        this(apiKeyId, period, spent, from, resetsAt, false);
    }
}
