package com.imagegate.billing;

import java.time.Instant;

/**
 * A payment of money was recorded for a workspace (a pack's Checkout, a plan's paid invoice, an automatic top-up):
 * published once per payment, by the signed Stripe webhook that recorded it, inside that transaction. The referral
 * module takes a referred workspace's first one as the purchase that may earn its referrer a reward.
 *
 * @param paymentId the payment's id here
 * @param kind {@code PACK}, {@code PLAN} or {@code TOPUP}
 * @param paymentIntent Stripe's PaymentIntent of the payment, when it has one
 * @param amountCents what was paid, in the smallest unit of the currency
 */
public record PaymentReceived(
        String workspaceId, String paymentId, String kind, String paymentIntent, long amountCents, Instant at) {}
