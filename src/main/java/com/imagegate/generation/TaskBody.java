package com.imagegate.generation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A task in the API's wire shape (docs/api.md, "The task"): the body of {@code GET /api/v1/images/tasks/{id}} and of
 * the webhook POSTed when the task ends. Beyond the original design, a succeeded task says what it was charged
 * ({@code credits_captured}: less than {@code credits} when only some of its images could be made), and a pending task
 * says where it stands ({@code queue_position}, {@code eta_seconds}; absent otherwise).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskBody(
        String id,
        String object,
        String status,
        String model,
        @JsonProperty("created_at") long createdAt,
        long credits,
        int n,
        String size,
        String quality,
        @JsonProperty("output_format") String outputFormat,
        String user,
        List<Image> data,
        Error error,
        @JsonProperty("credits_refunded") Boolean creditsRefunded,
        @JsonProperty("credits_captured") Long creditsCaptured,
        @JsonProperty("started_at") Long startedAt,
        @JsonProperty("finished_at") Long finishedAt,
        @JsonProperty("queue_position") Integer queuePosition,
        @JsonProperty("eta_seconds") Long etaSeconds) {

    public record Image(String url, int width, int height) {}

    public record Error(String code, String message) {}

    public static TaskBody of(TaskView task) {
        boolean ended = task.status().isFinal();
        return new TaskBody(
                task.id(),
                "image.task",
                task.status().wireValue(),
                task.model(),
                task.createdAt().getEpochSecond(),
                task.credits(),
                task.n(),
                task.size(),
                task.quality(),
                task.outputFormat(),
                task.user(),
                task.images().stream()
                        .map(i -> new Image(i.url(), i.width(), i.height()))
                        .toList(),
                task.error() == null
                        ? null
                        : new Error(task.error().code(), task.error().message()),
                ended ? task.creditsRefunded() : null,
                ended ? task.creditsCaptured() : null,
                task.startedAt() == null ? null : task.startedAt().getEpochSecond(),
                task.finishedAt() == null ? null : task.finishedAt().getEpochSecond(),
                pending(task) ? task.queue().position() : null,
                pending(task) ? task.queue().etaSeconds() : null);
    }

    private static boolean pending(TaskView task) {
        return task.status() == TaskStatus.PENDING && task.queue() != null;
    }
}
