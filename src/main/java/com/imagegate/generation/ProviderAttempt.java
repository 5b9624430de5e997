package com.imagegate.generation;

import java.time.Duration;
import java.time.Instant;

/**
 * One upstream call made for a task (a task's timeline).
 *
 * @param part which of the task's calls this was (n split into several calls), from 0
 * @param attempt the try of that part, from 1
 * @param channel the channel called
 * @param endpoint {@code generations} or {@code edits}
 * @param statusCode the HTTP status, or null when no response came (timeout, connection failure)
 * @param errorCode our code for the failure, or null when it delivered images
 * @param images how many images it delivered
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
        Duration duration) {}
