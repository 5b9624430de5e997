package com.imagegate.generation;

import java.time.Duration;

/**
 * A well-formed request that cannot be carried out now; {@link Reason} says why, in the API's terms (docs/api.md,
 * "Errors").
 */
public class GenerationException extends RuntimeException {

    public enum Reason {
        /** Not enough credits (429 insufficient_quota). */
        INSUFFICIENT_QUOTA,
        /** The API key's credit budget for the current period is reached (429 insufficient_quota). */
        KEY_CAP_REACHED,
        /** The task costs more than the request's {@code max_credits} (400 max_credits_exceeded). */
        MAX_CREDITS_EXCEEDED,
        /**
         * The task's {@code user} reached the workspace's daily credit limit per user (429 user_quota_exceeded); {@link
         * #retryAfter} is the time to the next UTC midnight.
         */
        USER_QUOTA_EXCEEDED,
        /** Too many unfinished tasks at once (429 rate_limit_exceeded). */
        TOO_MANY_CONCURRENT_TASKS,
        /** The Idempotency-Key was used with another body (409 idempotency_conflict). */
        IDEMPOTENCY_CONFLICT,
        /** No such task in this workspace (404 not_found). */
        NOT_FOUND,
        /** The task already ended (409 task_already_finished). */
        ALREADY_FINISHED,
        /**
         * The prompt is refused by the content policy: the admins' denylist or the upstream's moderation pre-check (400
         * content_policy_violation); nothing is charged, and it counts as a strike.
         */
        CONTENT_POLICY_VIOLATION,
        /** The workspace's generation is paused for review after too many strikes (403 workspace_paused). */
        WORKSPACE_PAUSED,
        /** The moderation pre-check could not be made and the setting refuses then (503 moderation_unavailable). */
        MODERATION_UNAVAILABLE,
        /**
         * The workspace already holds the most {@link TaskEvents} streams its caller allows on this node (429
         * too_many_streams).
         */
        TOO_MANY_STREAMS
    }

    private final Reason reason;
    private final Duration retryAfter;

    public GenerationException(Reason reason, String message) {
        this(reason, message, null);
    }

    public GenerationException(Reason reason, String message, Duration retryAfter) {
        this(reason, message, retryAfter, null);
    }

    /** With the refusal that caused it (a {@code KeyCapExceededException}, for the budget alert). */
    public GenerationException(Reason reason, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    /** For rate limits and quotas: when trying again can succeed; otherwise null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
