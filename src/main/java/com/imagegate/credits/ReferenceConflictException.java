package com.imagegate.credits;

/** The idempotency reference was already used for a different operation (another workspace, amount or kind). */
public final class ReferenceConflictException extends CreditsException {

    private final String reference;

    public ReferenceConflictException(String reference, String message) {
        super("reference " + reference + ": " + message);
        this.reference = reference;
    }

    public String reference() {
        return reference;
    }
}
