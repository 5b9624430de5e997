package com.imagegate.billing.internal;

/** An event that cannot be applied yet (what it refers to is not known here yet); Stripe retries it later. */
final class RetryLater extends RuntimeException {

    RetryLater(String message) {
        super(message);
    }
}
