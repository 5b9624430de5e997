package com.imagegate.billing;

import java.time.Instant;

/**
 * An automatic top-up was paid and its credits granted: published once per top-up, by the signed Stripe webhook that
 * granted them, inside the transaction that wrote the grant. Listen after the commit.
 *
 * @param topUpId the top-up attempt's id (also the Stripe idempotency key of its PaymentIntent)
 * @param packId the catalog id of the pack bought
 * @param credits the credits granted
 * @param amountCents what the card was charged, in the smallest unit of {@code currency}
 * @param balanceAfter the workspace's spendable balance once the credits were granted
 */
public record TopUpSucceeded(
        String workspaceId,
        String topUpId,
        String packId,
        long credits,
        long amountCents,
        String currency,
        long balanceAfter,
        Instant at) {}
