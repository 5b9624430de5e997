package com.imagegate.credits;

import java.time.Instant;

/**
 * Adds a lot of {@code credits} to a workspace.
 *
 * @param expiresAt when the lot's unspent credits are written off; {@code null} for never
 * @param reference idempotency reference, e.g. {@code signup:usr_…} or {@code stripe:evt_…}
 * @param actor who caused it: {@code system}, a user id or an admin id
 */
public record Grant(
        String workspaceId,
        long credits,
        LotSource source,
        Instant expiresAt,
        String reference,
        String actor,
        String reason) {

    public Grant {
        References.id(workspaceId, "workspaceId");
        References.positive(credits);
        if (source == null) {
            throw new IllegalArgumentException("source is required");
        }
        References.callerReference(reference);
        References.actor(actor);
        reason = References.reason(reason);
    }
}
