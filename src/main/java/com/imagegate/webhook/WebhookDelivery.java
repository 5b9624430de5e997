package com.imagegate.webhook;

import com.imagegate.generation.TaskStatus;
import java.time.Instant;
import java.util.List;

/**
 * The webhook of one task ending, and its attempts.
 *
 * @param id the delivery id, sent as {@code webhook-id} on every attempt
 * @param taskStatus the task's final status the webhook reports
 * @param status {@code pending} (more attempts to come), {@code succeeded} (a 2xx answer) or {@code failed} (gave up)
 * @param lastStatusCode the HTTP status of the last attempt, null when it got no answer
 * @param nextRetryAt when the next attempt is due, null once the delivery ended
 * @param attemptLog every attempt, oldest first (empty in lists)
 */
public record WebhookDelivery(
        String id,
        String taskId,
        String url,
        TaskStatus taskStatus,
        String status,
        int attempts,
        Integer lastStatusCode,
        String lastError,
        Instant nextRetryAt,
        Instant createdAt,
        Instant finishedAt,
        List<Attempt> attemptLog) {

    /**
     * One POST to the receiver.
     *
     * @param statusCode the HTTP status, null when there was no answer (refused, timed out, unreachable)
     * @param nextRetryAt when the next attempt was scheduled after this one, null when none was
     */
    public record Attempt(
            int number, Instant at, Integer statusCode, long durationMillis, String error, Instant nextRetryAt) {}
}
