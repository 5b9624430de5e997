package com.imagegate.credits;

/**
 * The API key a reservation is made with, and its optional budget: at most {@code budget} credits per {@code period}
 * (UTC). What a key spent in a period is what its reservations made in that period hold or captured; a reservation
 * counts in the period it was made in, whenever it is settled.
 *
 * @param budget most credits the key may use per period; {@code null} for no budget (usage is still recorded)
 * @param period the period the budget is counted over; {@code null} means {@link BudgetPeriod#MONTH}
 */
public record KeyCap(String apiKeyId, Long budget, BudgetPeriod period) {

    public KeyCap {
        References.id(apiKeyId, "apiKeyId");
        if (budget != null && budget < 0) {
            throw new IllegalArgumentException("budget must not be negative: " + budget);
        }
        if (period == null) {
            period = BudgetPeriod.MONTH;
        }
    }

    /** A monthly budget (the cap keys had before budgets had periods). */
    public KeyCap(String apiKeyId, Long monthlyCap) {
        this(apiKeyId, monthlyCap, BudgetPeriod.MONTH);
    }
}
