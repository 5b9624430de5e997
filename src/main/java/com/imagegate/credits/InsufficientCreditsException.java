package com.imagegate.credits;

/** Fewer credits are spendable than were asked for. */
public final class InsufficientCreditsException extends CreditsException {

    private final String workspaceId;
    private final long requested;
    private final long spendable;

    public InsufficientCreditsException(String workspaceId, long requested, long spendable) {
        super("workspace " + workspaceId + " has " + spendable + " spendable credits, " + requested + " requested");
        this.workspaceId = workspaceId;
        this.requested = requested;
        this.spendable = spendable;
    }

    public String workspaceId() {
        return workspaceId;
    }

    public long requested() {
        return requested;
    }

    public long spendable() {
        return spendable;
    }
}
