package com.imagegate.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The OpenAI drop-in ({@code /v1/images/*}).
 *
 * @param maxWait how long a synchronous generation or edit request waits for its task; when it passes, the task is
 *     canceled, its credits released, and the request answers 504 {@code timeout}
 * @param concurrentB64Answers how many {@code b64_json} answers are written at once per node (each streams its image
 *     files into the response); more wait for a turn
 * @param b64AnswerWait how long an answer waits for its turn before it answers 503 {@code server_busy} (a retry finds
 *     the finished task and is not charged again)
 */
@ConfigurationProperties("imagegate.api.openai")
public record OpenAiProperties(
        @DefaultValue("10m") Duration maxWait,
        @DefaultValue("16") int concurrentB64Answers,
        @DefaultValue("30s") Duration b64AnswerWait) {

    public OpenAiProperties {
        if (concurrentB64Answers < 1) {
            throw new IllegalArgumentException("imagegate.api.openai.concurrent-b64-answers must be positive");
        }
        if (b64AnswerWait.isNegative()) {
            throw new IllegalArgumentException("imagegate.api.openai.b64-answer-wait must not be negative");
        }
        if (maxWait.isNegative() || maxWait.toMillis() < 1000) {
            throw new IllegalArgumentException("imagegate.api.openai.max-wait must be at least 1s");
        }
    }
}
