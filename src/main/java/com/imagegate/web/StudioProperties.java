package com.imagegate.web;

import com.imagegate.generation.TaskEventLimits;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Studio settings.
 *
 * @param streams the live task cards' event streams ({@code GET /app/studio/tasks/{id}/events})
 */
@ConfigurationProperties("imagegate.studio")
public record StudioProperties(@DefaultValue Streams streams) {

    /**
     * The live cards' task event streams, counted apart from the API's.
     *
     * @param heartbeat a stream silent this long gets a {@code : ping} comment, so proxies keep it open
     * @param maxPerWorkspace studio streams a workspace may hold open at once on one node; one more answers 429 (that
     *     card polls instead)
     * @param maxDuration a stream open this long is closed (the card's script reconnects with {@code Last-Event-ID})
     */
    public record Streams(
            @DefaultValue("15s") Duration heartbeat,
            @DefaultValue("100") int maxPerWorkspace,
            @DefaultValue("30m") Duration maxDuration) {

        /** The pool the studio's streams are counted in. */
        public static final String POOL = "studio";

        public Streams {
            TaskEventLimits.check("imagegate.studio.streams", heartbeat, maxPerWorkspace, maxDuration);
        }

        public TaskEventLimits limits() {
            return new TaskEventLimits(POOL, maxPerWorkspace, heartbeat, maxDuration);
        }
    }
}
