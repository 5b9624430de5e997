package com.imagegate.generation;

import java.time.LocalDate;
import java.util.List;

/** What a workspace used, by day (UTC) and API key, read from its tasks. */
public interface Usage {

    /**
     * Usage from {@code from} to {@code to} (inclusive), one row per day and key that had tasks, oldest day first.
     * Credits are those captured (failed and canceled tasks are refunded, so they count 0).
     */
    List<UsageRow> daily(String workspaceId, LocalDate from, LocalDate to);

    /**
     * @param apiKeyId the key that created the tasks, or null for the web studio
     * @param tasks tasks created
     * @param images images delivered
     * @param failures tasks that failed
     * @param credits credits spent
     */
    record UsageRow(LocalDate day, String apiKeyId, long tasks, long images, long failures, long credits) {}
}
