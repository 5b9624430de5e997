package com.imagegate.credits;

import java.time.Instant;

/** How a reservation ended: {@code captured + released} is what it held. */
public record Settlement(
        String reference, String workspaceId, Outcome outcome, long captured, long released, Instant settledAt) {

    public enum Outcome {
        CAPTURED,
        RELEASED
    }
}
