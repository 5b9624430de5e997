package com.imagegate.credits;

import java.util.Optional;

/**
 * A workspace's low-balance alert: when its spendable balance falls below the threshold, {@link BalanceLow} is
 * published once; the alert re-arms when a later write leaves the balance at or above the threshold again (a grant, a
 * purchase, a released reservation). Each transaction that changes the balance is judged once, on the balance it
 * commits, under the workspace's lock, so concurrent reservations crossing the threshold together alert once.
 */
public interface BalanceAlerts {

    /** The largest threshold accepted: far beyond any real balance. */
    long MAX_THRESHOLD = 1_000_000_000_000L;

    /** The workspace's threshold, or empty for none. */
    Optional<Long> threshold(String workspaceId);

    /**
     * Sets the workspace's threshold, or removes the alert when {@code threshold} is null. A new threshold above the
     * balance alerts at once (one {@link BalanceLow}); saving the threshold already set changes nothing.
     *
     * @param actor who changed it ({@code user:…}), kept with the setting
     */
    void setThreshold(String workspaceId, Long threshold, String actor);

    /**
     * Reads a threshold as typed in a form: blank is none; otherwise whole credits from 0 to {@link #MAX_THRESHOLD}
     * (spaces, commas and underscores between digits are ignored).
     *
     * @throws IllegalArgumentException with a message for people, when it is not such a number
     */
    static Long parseThreshold(String input) {
        if (input == null || input.isBlank()) {
            return null;
        }
        String digits = input.strip().replaceAll("(?<=\\d)[ ,_](?=\\d)", "");
        if (!digits.matches("\\d{1,13}")) {
            throw new IllegalArgumentException(
                    "The alert threshold must be a whole number of credits, like 500, or empty for no alert.");
        }
        long threshold = Long.parseLong(digits);
        if (threshold > MAX_THRESHOLD) {
            throw new IllegalArgumentException("The alert threshold can be at most 1,000,000,000,000 credits.");
        }
        return threshold;
    }
}
