package com.imagegate.credits;

import java.time.Instant;

/**
 * What an API key spent in the current period: what its reservations made in [{@code from}, {@code resetsAt}) hold or
 * captured.
 */
public record KeyBudgetUsage(String apiKeyId, BudgetPeriod period, long spent, Instant from, Instant resetsAt) {}
