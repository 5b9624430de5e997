package com.imagegate.billing;

import java.time.Instant;

/**
 * Something about a workspace's payments that admins should look at.
 *
 * @param reason {@code DISPUTE} (purchases are suspended while it is open) or {@code REFUND_SHORTFALL}
 * @param reference the Stripe object it is about
 */
public record BillingFlag(
        String id, String workspaceId, String reason, String reference, String detail, Instant createdAt) {}
