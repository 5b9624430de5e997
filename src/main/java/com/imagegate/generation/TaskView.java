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
        String prompt) {

    /** One image: a signed link to it and its pixel size. */
    public record Image(String url, int width, int height) {}

    /** Why a task failed: a stable code and a message for people. */
    public record Error(String code, String message) {}
}
