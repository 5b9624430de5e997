package com.imagegate.credits;

/** A ledger command that was refused; nothing was written. */
public abstract sealed class CreditsException extends RuntimeException
        permits InsufficientCreditsException,
                KeyCapExceededException,
                IllegalTransitionException,
                ReferenceConflictException,
                UnknownReservationException {

    CreditsException(String message) {
        super(message);
    }
}
