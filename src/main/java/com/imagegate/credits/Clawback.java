package com.imagegate.credits;

/**
 * Takes back purchased credits after a chargeback or refund: as many of {@code credits} as are still spendable, never
 * below zero. The entry's amount says how many were taken; what was already spent stays spent.
 */
public record Clawback(String workspaceId, long credits, String reference, String actor, String reason) {

    public Clawback {
        References.id(workspaceId, "workspaceId");
        References.positive(credits);
        References.callerReference(reference);
        References.actor(actor);
        reason = References.reason(reason);
    }
}
