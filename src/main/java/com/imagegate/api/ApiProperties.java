package com.imagegate.api;

import com.imagegate.generation.TaskEventLimits;
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

        /** The pool the API's streams are counted in (its drop-in's streams included). */
        public static final String POOL = "api";

        public Streams {
            TaskEventLimits.check("imagegate.api.streams", heartbeat, maxPerWorkspace, maxDuration);
        }

        /** These settings as the limits of a {@link com.imagegate.generation.TaskEvents} stream of pool {@value #POOL}. */
        public TaskEventLimits limits() {
            return new TaskEventLimits(POOL, maxPerWorkspace, heartbeat, maxDuration);
        }
    }
}
