package com.imagegate.generation;

import java.util.Optional;

/**
 * A workspace's default credit limit per end user (a task's {@code user}) per UTC day. Enforced when a task is
 * accepted, under the workspace's balance-row lock: the credits of the user's tasks created that day (held by unfinished
 * tasks, captured by succeeded ones; failed and canceled tasks gave theirs back) plus the new task's price may not pass
 * the limit. Tasks without a {@code user} (the studio's among them) and test-key tasks (they cost nothing) are not
 * limited. None by default. An API key may carry its own limit ({@link com.imagegate.generation.Caller#keyUserDailyCreditLimit()}),
 * which replaces this default for the key's requests; the user's credits are counted across the workspace either way.
 */
public interface UserQuotas {

    /** The largest limit accepted: far beyond any real day, small enough that sums never overflow. */
    long MAX_DAILY_CREDIT_LIMIT = 1_000_000_000_000L;

    /** The workspace's limit, or empty for none. */
    Optional<Long> dailyCreditLimit(String workspaceId);

    /**
     * Sets the workspace's limit, or removes it when {@code limit} is null.
     *
     * @param actor who changed it ({@code user:…}), kept with the setting
     */
    void setDailyCreditLimit(String workspaceId, Long limit, String actor);

    /**
     * Reads a limit as typed in a form: blank is none; otherwise whole credits from 0 to {@link
     * #MAX_DAILY_CREDIT_LIMIT} (spaces, commas and underscores between digits are ignored).
     *
     * @throws IllegalArgumentException with a message for people, when it is not such a number
     */
    static Long parseDailyCreditLimit(String input) {
        if (input == null || input.isBlank()) {
            return null;
        }
        String digits = input.strip().replaceAll("(?<=\\d)[ ,_](?=\\d)", "");
        if (!digits.matches("\\d{1,13}")) {
            throw new IllegalArgumentException(
                    "The daily limit must be a whole number of credits, like 500, or empty for no limit.");
        }
        long limit = Long.parseLong(digits);
        if (limit > MAX_DAILY_CREDIT_LIMIT) {
            throw new IllegalArgumentException("The daily limit can be at most 1,000,000,000,000 credits.");
        }
        return limit;
    }
}
