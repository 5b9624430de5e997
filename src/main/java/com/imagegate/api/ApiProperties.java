package com.imagegate.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Public API settings.
 *
 * @param maxBodyBytes the largest JSON body accepted; larger ones answer 413
 * @param readsPerMinute reads (task, task list, account) per key per minute, counted per node
 * @param streams task event streams ({@code GET /api/v1/images/tasks/{id}/events})
 */
@ConfigurationProperties("imagegate.api")
public record ApiProperties(
        @DefaultValue("1048576") int maxBodyBytes,
        @DefaultValue("600") int readsPerMinute,
        @DefaultValue Streams streams) {

    @ConstructorBinding
    public ApiProperties {
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("imagegate.api.max-body-bytes must be at least 1024");
        }
        if (readsPerMinute < 1) {
            throw new IllegalArgumentException("imagegate.api.reads-per-minute must be positive");
        }
    }

    /** With the default stream settings. */
    public ApiProperties(int maxBodyBytes, int readsPerMinute) {
        this(maxBodyBytes, readsPerMinute, new Streams(Duration.ofSeconds(15), 100, Duration.ofMinutes(30)));
    }

    /**
     * Task event streams.
     *
     * @param heartbeat a stream silent this long gets a {@code : ping} comment, so proxies keep it open
     * @param maxPerWorkspace streams a workspace may hold open at once on one node; one more answers 429
     *     {@code too_many_streams}
     * @param maxDuration a stream open this long is closed (the client reconnects with {@code Last-Event-ID})
     */
    public record Streams(
            @DefaultValue("15s") Duration heartbeat,
            @DefaultValue("100") int maxPerWorkspace,
            @DefaultValue("30m") Duration maxDuration) {

        public Streams {
            if (heartbeat.toMillis() < 100) {
                throw new IllegalArgumentException("imagegate.api.streams.heartbeat must be at least 100ms");
            }
            if (maxPerWorkspace < 1) {
                throw new IllegalArgumentException("imagegate.api.streams.max-per-workspace must be positive");
            }
            if (maxDuration.compareTo(heartbeat) <= 0) {
                throw new IllegalArgumentException("imagegate.api.streams.max-duration must be longer than heartbeat");
            }
        }
    }
}
