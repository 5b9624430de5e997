package com.imagegate.generation;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every workspace's tasks for the platform's operators (the admin console): search, one task, and sums. */
public interface TaskAdmin {

    /** Tasks matching the filter, newest first, one page at a time. */
    Page search(Filter filter);

    /** One task of any workspace. */
    Optional<TaskRecord> find(String taskId);

    /** Sums over the tasks created in {@code [from, to)}. */
    Totals totals(Instant from, Instant to);

    /** Sums per UTC day of the tasks created on the days {@code from} to {@code to} (inclusive); days with tasks. */
    List<DailyTotals> daily(LocalDate from, LocalDate to);

    /**
     * Usage per workspace and UTC day for the days {@code from} to {@code to} (inclusive): tasks, failures, credits
     * captured and images delivered by requested size.
     */
    List<WorkspaceDay> usageByWorkspace(LocalDate from, LocalDate to);

    /**
     * Which tasks to list; null fields do not filter.
     *
     * @param provider the provider that ran the task
     * @param before the cursor of the previous page ({@link Page#nextCursor()}), or null
     * @param limit 1 to 200
     */
    record Filter(
            TaskStatus status,
            String workspaceId,
            GenerationProperties.Provider provider,
            String model,
            String size,
            Instant from,
            Instant to,
            String before,
            int limit) {

        public Filter {
            if (limit < 1 || limit > 200) {
                throw new IllegalArgumentException("limit must be from 1 to 200");
            }
        }
    }

    record Page(List<TaskRecord> tasks, String nextCursor) {}

    /**
     * A task row as operators see it.
     *
     * @param source how it came in (the API or the studio)
     * @param attempts how many times a node claimed it to render
     * @param images how many images it delivered
     */
    record TaskRecord(
            String id,
            String workspaceId,
            String apiKeyId,
            TaskSource source,
            TaskKind kind,
            TaskStatus status,
            String model,
            GenerationProperties.Provider provider,
            int n,
            String size,
            String quality,
            long credits,
            Long creditsCaptured,
            boolean creditsRefunded,
            String errorCode,
            String errorMessage,
            String requestId,
            int attempts,
            int images,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt) {}

    record Totals(long tasks, long succeeded, long failed, long canceled, long images, long creditsCaptured) {

        /** Failed tasks among the ended ones, 0 to 1; 0 when none ended. */
        public double failureRate() {
            long ended = succeeded + failed;
            return ended == 0 ? 0 : (double) failed / ended;
        }
    }

    record DailyTotals(LocalDate day, long tasks, long failures, long images, long creditsCaptured) {}

    record WorkspaceDay(
            String workspaceId,
            LocalDate day,
            long tasks,
            long failures,
            long credits,
            Map<String, Long> imagesBySize) {}
}
