package com.imagegate.billing.internal;

import java.util.function.Supplier;

/**
 * The writes of one Stripe event, worked out from what Stripe says now and run by {@link StripeWebhooks} in the event's
 * transaction after its id is recorded; returns the outcome for the event log.
 */
record EventStep(String workspaceId, Supplier<String> apply) {

    static EventStep nothing(String outcome) {
        return new EventStep(null, () -> outcome);
    }
}
