package com.imagegate.billing;

import java.time.Instant;

/**
 * Money in or back out, for the margin page: a Stripe payment that granted credits, or a refund or dispute of one.
 *
 * @param kind {@code PAYMENT}, {@code REFUND} or {@code DISPUTE}
 * @param paymentId the payment (for a reversal, the payment it gives money back on)
 * @param productKind {@code PACK} or {@code PLAN}, of the payment
 * @param product the catalog id of the payment ({@code standard}, {@code pro}, …)
 * @param amountCents the amount in the currency's smallest unit, always positive; a refund or dispute subtracts it
 * @param currency as Stripe spells it ({@code usd})
 * @param credits the credits a payment granted (0 for a reversal)
 * @param at when the payment was recorded, or when the refund or dispute was
 */
public record MoneyMovement(
        Kind kind,
        String paymentId,
        String workspaceId,
        String productKind,
        String product,
        long amountCents,
        String currency,
        long credits,
        Instant at) {

    public enum Kind {
        PAYMENT,
        REFUND,
        DISPUTE
    }

    /** What it adds to revenue: the amount of a payment, minus that of a refund or dispute. */
    public long signedCents() {
        return kind == Kind.PAYMENT ? amountCents : -amountCents;
    }
}
