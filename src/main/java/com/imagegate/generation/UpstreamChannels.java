package com.imagegate.generation;

import java.time.Duration;
import java.util.List;

/**
 * The OpenAI-compatible upstream channels: their health as this node sees it, an admin's switch to take one out of (or
 * back into) service on every node, and the provider calls each task made.
 */
public interface UpstreamChannels {

    /** Every configured channel, highest priority first (empty when no upstream is configured). */
    List<ChannelHealth> channels();

    /**
     * Takes a channel out of service, or puts it back, on every node (stored in the database).
     *
     * @return the channel's health after the change
     * @throws IllegalArgumentException when no channel has that name
     */
    ChannelHealth setEnabled(String name, boolean enabled);

    /**
     * Every node's calls per channel over the last {@code window}, from the recorded provider calls: each configured
     * channel (with zero calls when it had none), then any other channel that still has calls in the window.
     */
    List<ChannelTraffic> traffic(Duration window);

    /** The upstream calls a task made, in the order they started (empty for sandbox tasks). */
    List<ProviderAttempt> attempts(String taskId);
}
