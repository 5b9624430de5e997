package com.imagegate.billing;

/** Where a Checkout started here stands, as the success page shows it. */
public enum CheckoutState {
    /** Paid on Stripe's page, but the webhook that grants the credits has not landed yet. */
    WAITING,
    /** The webhook landed: credits granted or the plan is active. */
    COMPLETED,
    /** The (delayed) payment failed. */
    FAILED
}
