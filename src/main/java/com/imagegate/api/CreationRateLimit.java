package com.imagegate.api;

import java.time.Duration;

/**
 * The workspace's task-creation window (docs/api.md, "Rate limits"): fixed one-minute windows counted in the database,
 * shared by every node and by every way of creating a task — the API, the OpenAI drop-in and the studio — so a
 * workspace's requests per minute (its plan's, or its custom limit) hold across all of them.
 */
public interface CreationRateLimit {

    /**
     * Counts one creation of the workspace in the current window. A refused creation still counts, which only ever
     * refuses more.
     *
     * @param perMinute the workspace's limit in effect ({@code CurrentPlan.requestsPerMinute})
     */
    Window count(String workspaceId, int perMinute);

    /**
     * The window after the count.
     *
     * @param allowed false: over the limit, refuse (429 on the API)
     * @param limit the limit counted against
     * @param remaining creations left in the window
     * @param reset time until the window ends
     */
    record Window(boolean allowed, int limit, int remaining, Duration reset) {}
}
