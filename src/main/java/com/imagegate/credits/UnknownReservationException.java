package com.imagegate.credits;

/** No reservation has this reference. */
public final class UnknownReservationException extends CreditsException {

    private final String reference;

    public UnknownReservationException(String reference) {
        super("no reservation " + reference);
        this.reference = reference;
    }

    public String reference() {
        return reference;
    }
}
