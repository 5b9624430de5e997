package com.imagegate.apikey;

import java.util.Locale;

/**
 * The period a key's credit budget is counted over, in UTC: a day, an ISO week (Monday 00:00 to Monday 00:00) or a
 * calendar month. The credits module, which counts and enforces the budget, has the same three periods.
 */
public enum KeyBudgetPeriod {
    DAY,
    WEEK,
    MONTH;

    /** {@code day}, {@code week} or {@code month}: the form's, the API's and the database's spelling. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@link #value()}; empty means {@link #MONTH}.
     *
     * @throws ApiKeyException when it is none of them
     */
    public static KeyBudgetPeriod parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return MONTH;
        }
        for (KeyBudgetPeriod period : values()) {
            if (period.value().equals(raw.strip().toLowerCase(Locale.ROOT))) {
                return period;
            }
        }
        throw new ApiKeyException("budgetPeriod", "Choose a day, a week or a month for the budget.");
    }
}
