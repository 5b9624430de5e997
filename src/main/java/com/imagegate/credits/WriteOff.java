package com.imagegate.credits;

/**
 * Ends a lot before its expiry: what is still available in the lot added by the grant {@code grantReference} is
 * written off by an entry with {@code reference} (a plan allowance replaced by the next period's or an upgrade's).
 */
public record WriteOff(String workspaceId, String grantReference, String reference, String actor, String reason) {

    public WriteOff {
        References.id(workspaceId, "workspaceId");
        References.reference(grantReference);
        References.callerReference(reference);
        References.actor(actor);
        reason = References.reason(reason);
    }
}
