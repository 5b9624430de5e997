package com.imagegate.generation;

import java.time.Instant;
import java.util.List;

/**
 * A task as callers see it (docs/api.md, "The task"). Image URLs are signed and expire; a new read gives fresh ones.
 *
 * @param images the stored images, in order (empty until the task succeeded)
 * @param error the failure, or null
 * @param kind a generation or an enhancement
 * @param prompt the prompt as given (null for an enhancement); shown to its workspace, not in the API's task body
 * @param queue where a pending task stands in the queue, or null (not pending, or not computed for this view)
 */
public record TaskView(
        String id,
        TaskStatus status,
        String model,
        Instant createdAt,
        long credits,
        int n,
        String size,
        String quality,
        String outputFormat,
        String user,
        List<Image> images,
        Error error,
        boolean creditsRefunded,
        Long creditsCaptured,
        Instant startedAt,
        Instant finishedAt,
        TaskKind kind,
        String prompt,
        Queue queue) {

    /**
     * A pending task's place in the queue (docs/api.md, "The task").
     *
     * @param position 1 for the next task to start: the pending tasks for the same provider accepted before it, plus 1
     * @param etaSeconds an estimate of the seconds until it ends, from recent render times of its size class; null
     *     while no task of that class has succeeded recently
     */
    public record Queue(int position, Long etaSeconds) {}

    /**
     * The task as it was while it was processing: the same row before it ended (no images, no error, no end). Lets a
     * stream that resumes after the task ended still see its {@code processing} step.
     */
    public TaskView asProcessing() {
        return new TaskView(
                id,
                TaskStatus.PROCESSING,
                model,
                createdAt,
                credits,
                n,
                size,
                quality,
                outputFormat,
                user,
                List.of(),
                null,
                false,
                null,
                startedAt,
                null,
                kind,
                prompt,
                null);
    }

    /** One image: a signed link to it and its pixel size. */
    public record Image(String url, int width, int height) {}

    /** Why a task failed: a stable code and a message for people. */
    public record Error(String code, String message) {}
}
