package com.imagegate.generation;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * One upstream channel's configuration and health. Counts, cool-down and latencies are this node's own (kept in
 * memory since it started); {@code state} DISABLED is an admin's switch shared by every node.
 *
 * @param successes calls that delivered images
 * @param failures calls that failed, for whatever reason
 * @param consecutiveFailures retryable failures since the last success (at the threshold the channel cools down)
 * @param lastError our code and the HTTP status of the last failure (never the upstream's body), or null
 * @param cooledDownUntil when a cooling-down channel is put back, or null
 * @param latencyP50 median duration of its recent successful calls, or null before any
 * @param latencyP95 95th percentile of the same, or null
 */
public record ChannelHealth(
        String name,
        URI baseUrl,
        String model,
        int priority,
        int weight,
        State state,
        long successes,
        long failures,
        int consecutiveFailures,
        String lastError,
        Instant lastErrorAt,
        Instant cooledDownUntil,
        Duration latencyP50,
        Duration latencyP95) {

    /** Successes among calls, 0 to 1, or null before any call. */
    public Double successRate() {
        long calls = successes + failures;
        return calls == 0 ? null : (double) successes / calls;
    }

    public enum State {
        /** In service. */
        ACTIVE,
        /** Left out after repeated failures until {@code cooledDownUntil}, then put back by itself. */
        COOLING_DOWN,
        /** Taken out by an admin. */
        DISABLED
    }
}
