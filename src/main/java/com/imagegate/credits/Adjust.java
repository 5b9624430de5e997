package com.imagegate.credits;

/**
 * An admin's correction. Positive credits add a non-expiring {@link LotSource#ADMIN} lot; negative credits take
 * spendable credits (lots expiring first first) and are refused with {@link InsufficientCreditsException} rather than
 * take the balance below zero.
 */
public record Adjust(String workspaceId, long credits, String reference, String actor, String reason) {

    public Adjust {
        References.id(workspaceId, "workspaceId");
        if (credits == 0) {
            throw new IllegalArgumentException("credits must not be zero");
        }
        References.callerReference(reference);
        References.actor(actor);
        reason = References.reason(reason);
    }
}
