package com.imagegate.credits;

import java.util.Optional;

/**
 * The auto top-up trigger of a workspace: like the low-balance alert ({@link BalanceAlerts}) but with its own
 * threshold, and its event ({@link TopUpThresholdCrossed}) carries an id per crossing. Judged once per transaction on
 * the balance it commits, under the workspace's lock, so any number of concurrent reservations crossing the threshold
 * together, on any node, make one crossing. Re-arms when a later write leaves the balance at or above the threshold.
 */
public interface TopUpTriggers {

    /** The threshold of the workspace's trigger, or empty when it has none. */
    Optional<Long> threshold(String workspaceId);

    /**
     * Sets the trigger (threshold ≥ 1). A new trigger, or a changed threshold, below which the balance already is,
     * crosses at once (one {@link TopUpThresholdCrossed}); setting the threshold already set changes nothing.
     */
    void set(String workspaceId, long threshold);

    /** Removes the trigger (auto top-up disabled or paused); a later {@link #set} starts afresh. */
    void remove(String workspaceId);
}
