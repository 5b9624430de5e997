package com.imagegate.generation;

import java.time.Duration;

/**
 * One upstream channel's calls over a recent window, made by every node: read from the recorded provider calls, unlike
 * {@link ChannelHealth}, which is one node's view since it started.
 *
 * @param calls calls that started in the window
 * @param successes those that delivered images
 * @param latencyP50 median duration of its successful calls in the window (of the most recent ones when there are
 *     very many), or null before any
 * @param latencyP95 95th percentile of the same, or null
 */
public record ChannelTraffic(String name, long calls, long successes, Duration latencyP50, Duration latencyP95) {

    /** Successes among calls, 0 to 1, or null without calls. */
    public Double successRate() {
        return calls == 0 ? null : (double) successes / calls;
    }
}
