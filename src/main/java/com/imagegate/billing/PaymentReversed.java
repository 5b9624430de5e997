package com.imagegate.billing;

/**
 * A recorded payment was refunded (in part or whole) or disputed: published by the signed {@code charge.refunded} or
 * {@code charge.dispute.created} webhook, inside its transaction, each time one is processed (a replay is not
 * processed again; a second partial refund is published again).
 *
 * @param paymentIntent the payment's PaymentIntent
 * @param reason {@code refund} or {@code dispute}
 */
public record PaymentReversed(String workspaceId, String paymentIntent, String reason) {}
