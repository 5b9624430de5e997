package com.imagegate.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The OpenAI drop-in ({@code /v1/images/*}).
 *
 * @param maxWait how long a synchronous generation or edit request waits for its task; when it passes, the task is
 *     canceled, its credits released, and the request answers 504 {@code timeout}
 */
@ConfigurationProperties("imagegate.api.openai")
public record OpenAiProperties(@DefaultValue("10m") Duration maxWait) {

    public OpenAiProperties {
        if (maxWait.isNegative() || maxWait.toMillis() < 1000) {
            throw new IllegalArgumentException("imagegate.api.openai.max-wait must be at least 1s");
        }
    }
}
