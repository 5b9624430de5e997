package com.imagegate.billing;

/** A billing action refused, with a message to show the person who asked. */
public class BillingException extends RuntimeException {

    /** Why it was refused. */
    public enum Reason {
        NOT_CONFIGURED,
        FORBIDDEN,
        UNKNOWN_PRODUCT,
        PURCHASES_SUSPENDED,
        ALREADY_SUBSCRIBED,
        NO_SUBSCRIPTION,
        NO_CUSTOMER,
        QUOTE_EXPIRED,
        PAYMENT_FAILED,
        STRIPE_UNAVAILABLE
    }

    private final Reason reason;

    public BillingException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BillingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
