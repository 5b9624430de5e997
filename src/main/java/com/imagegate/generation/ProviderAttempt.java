package com.imagegate.generation;

import java.time.Duration;
import java.time.Instant;

/**
 * One upstream call made for a task (a task's timeline), with what it cost the operator.
 *
 * @param part which of the task's calls this was (n split into several calls), from 0
 * @param attempt the try of that part, from 1
 * @param channel the channel called
 * @param endpoint {@code generations} or {@code edits}
 * @param statusCode the HTTP status, or null when no response came (timeout, connection failure)
 * @param errorCode our code for the failure, or null when it delivered images
 * @param images how many images it delivered
 * @param billedImages how many images the upstream charges for: those it delivered, or, when it answered HTTP 200 with
 *     image data we could not use, those asked of it; 0 for a call that did not render (docs/operations.md, "Money
 *     pages")
 * @param costMicros what the call cost, in micro-units of {@code costCurrency}: billed images × the channel's price per
 *     image (size, quality) in force when the call started
 * @param costCurrency the operator's cost currency when the call was recorded, or null for calls recorded before costs
 *     were
 */
public record ProviderAttempt(
        String taskId,
        int part,
        int attempt,
        String channel,
        String endpoint,
        Integer statusCode,
        String errorCode,
        int images,
        Instant startedAt,
        Duration duration,
        int billedImages,
        long costMicros,
        String costCurrency) {

    public ProviderAttempt {
        if (billedImages < 0 || costMicros < 0) {
            throw new IllegalArgumentException("billed images and cost cannot be negative");
        }
    }

    /** The cost as a decimal amount, e.g. {@code 0.167}. */
    public String cost() {
        return Micros.format(costMicros);
    }
}
