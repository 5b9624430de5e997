package com.imagegate.generation;

import java.time.Duration;
import java.util.Objects;

/**
 * How a caller's {@link TaskEvents} streams are bounded. Each caller (the API, the studio) names its own pool, so its
 * streams are counted apart from the others'.
 *
 * @param pool whose streams these are, e.g. {@code api} or {@code studio}: the cap counts a workspace's streams per
 *     pool
 * @param maxPerWorkspace streams of this pool a workspace may hold open at once on one node; one more is refused with
 *     {@link GenerationException.Reason#TOO_MANY_STREAMS}
 * @param heartbeat how long a stream may stay silent before its sink is asked for a heartbeat
 * @param maxDuration a stream open this long is ended (its client reconnects with {@code Last-Event-ID})
 */
public record TaskEventLimits(String pool, int maxPerWorkspace, Duration heartbeat, Duration maxDuration) {

    public TaskEventLimits {
        Objects.requireNonNull(pool, "pool");
        check("a task event stream's", heartbeat, maxPerWorkspace, maxDuration);
    }

    /**
     * Checks a settings group's stream limits, naming the settings in what it throws.
     *
     * @param prefix the settings' prefix, e.g. {@code imagegate.api.streams}
     * @throws IllegalArgumentException a heartbeat under 100 ms, a cap under 1, or a duration not longer than the
     *     heartbeat
     */
    public static void check(String prefix, Duration heartbeat, int maxPerWorkspace, Duration maxDuration) {
        if (heartbeat == null || heartbeat.toMillis() < 100) {
            throw new IllegalArgumentException(prefix + ".heartbeat must be at least 100ms");
        }
        if (maxPerWorkspace < 1) {
            throw new IllegalArgumentException(prefix + ".max-per-workspace must be positive");
        }
        if (maxDuration == null || maxDuration.compareTo(heartbeat) <= 0) {
            throw new IllegalArgumentException(prefix + ".max-duration must be longer than heartbeat");
        }
    }
}
