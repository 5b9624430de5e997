package com.imagegate.webhook;

import com.imagegate.generation.TaskStatus;
import java.time.Instant;
import java.util.List;

/**
 * One webhook message to one URL, and its attempts: a task's callback ({@code callback_url}), or a workspace event
 * sent to one of its endpoints.
 *
 * @param id the delivery id
 * @param messageId sent as {@code webhook-id} on every attempt: a callback's own delivery id; for an event, the
 *     event's id (the same for every endpoint that receives the event, and in a resend)
 * @param eventType the event's type ({@link WebhookEventType#wireValue()}); null for a task callback
 * @param endpointId the endpoint it goes to; null for a task callback
 * @param resendOf the delivery this one resends, or null
 * @param taskId the task whose body is sent (a callback, or a task.* event), else null
 * @param taskStatus the task's final status the webhook reports, null when it is about no task
 * @param status {@code pending} (more attempts to come), {@code succeeded} (a 2xx answer) or {@code failed} (gave up)
 * @param lastStatusCode the HTTP status of the last attempt, null when it got no answer
 * @param nextRetryAt when the next attempt is due, null once the delivery ended
 * @param attemptLog every attempt, oldest first (empty in lists)
 */
public record WebhookDelivery(
        String id,
        String messageId,
        String eventType,
        String endpointId,
        String resendOf,
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
