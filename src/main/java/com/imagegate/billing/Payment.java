package com.imagegate.billing;

import java.time.Instant;

/**
 * A payment that granted credits: a pack bought through Checkout or a paid subscription invoice.
 *
 * @param kind {@code PACK} or {@code PLAN}
 * @param product the catalog id ({@code standard}, {@code pro}, …)
 * @param credits what it granted
 * @param expiresAt when those credits expire
 * @param invoiceUrl Stripe's hosted invoice page, for subscription invoices
 * @param reclaimed credits taken back after refunds or disputes
 * @param shortfall refunded or disputed credits that had already been spent (not taken back; see docs/billing.md)
 */
public record Payment(
        String id,
        String kind,
        String product,
        String productName,
        long amountCents,
        String currency,
        long credits,
        Instant expiresAt,
        String invoiceUrl,
        long reclaimed,
        long shortfall,
        Instant createdAt) {}
