package com.imagegate.billing;

import java.time.Instant;

/**
 * An automatic top-up's payment did not go through: published once per failed attempt, inside the transaction that
 * recorded the failure. Listen after the commit.
 *
 * @param topUpId the top-up attempt's id
 * @param packId the catalog id of the pack it tried to buy
 * @param reason {@code card_declined}, {@code authentication_required}, {@code no_payment_method} or
 *     {@code payment_failed}
 * @param message a sentence for the owner (Stripe's decline message when there is one)
 * @param failuresInARow failed attempts since the last success, this one included
 * @param paused true when this failure paused automatic top-up (the owner must re-enable it)
 */
public record TopUpFailed(
        String workspaceId,
        String topUpId,
        String packId,
        String reason,
        String message,
        int failuresInARow,
        boolean paused,
        Instant at) {}
