package com.imagegate.credits;

/**
 * A reservation cannot go where the command asks: capture after release, release after capture, or a second capture
 * of a different amount.
 */
public final class IllegalTransitionException extends CreditsException {

    private final String reference;

    public IllegalTransitionException(String reference, String message) {
        super("reservation " + reference + ": " + message);
        this.reference = reference;
    }

    public String reference() {
        return reference;
    }
}
