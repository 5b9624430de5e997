package com.imagegate.generation;

import java.time.LocalDate;
import java.util.List;

/** What a workspace used, by day (UTC) and API key, and by end user, read from its tasks. */
public interface Usage {

    /**
     * Usage from {@code from} to {@code to} (inclusive), one row per day and key that had tasks, oldest day first.
     * Credits are those captured (failed and canceled tasks are refunded, so they count 0).
     */
    List<UsageRow> daily(String workspaceId, LocalDate from, LocalDate to);

    /**
     * Usage from {@code from} to {@code to} (inclusive, UTC days) by the {@code user} the tasks were created with (tasks
     * without one are left out), the most credits spent first (then the most tasks, then by user), at most {@code
     * limit} rows. Credits are those captured, as in {@link #daily}.
     */
    List<UserUsageRow> byUser(String workspaceId, LocalDate from, LocalDate to, int limit);

    /**
     * @param apiKeyId the key that created the tasks, or null for the web studio
     * @param tasks tasks created
     * @param images images delivered
     * @param failures tasks that failed
     * @param credits credits spent
     */
    record UsageRow(LocalDate day, String apiKeyId, long tasks, long images, long failures, long credits) {}

    /**
     * @param user the end-user id the tasks were created with
     * @param tasks tasks created
     * @param images images delivered
     * @param credits credits spent
     */
    record UserUsageRow(String user, long tasks, long images, long credits) {}
}
