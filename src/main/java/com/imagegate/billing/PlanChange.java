package com.imagegate.billing;

import java.time.Instant;

/**
 * What moving a workspace's plan to {@code plan} will do, shown before the customer confirms it.
 *
 * @param kind {@link Kind#UPGRADE}: at once, the prorated difference is charged now; {@link Kind#DOWNGRADE}: at the
 *     end of the period, nothing is charged now; {@link Kind#KEEP}: cancels a pending downgrade
 * @param dueNowCents what Stripe charges now (with tax), 0 for a downgrade
 * @param creditsNow plan credits added for the rest of this period once the charge is paid (an estimate for tax-free
 *     money; the invoice decides)
 * @param effectiveAt when the new plan takes effect
 * @param nextPriceCents the plan's price at each renewal from then on
 * @param quotedAt the proration time the quote was made for; confirming passes it back so the charge is the one shown
 */
public record PlanChange(
        String plan,
        String planName,
        Kind kind,
        long dueNowCents,
        String currency,
        long creditsNow,
        Instant effectiveAt,
        long nextPriceCents,
        long quotedAt) {

    public enum Kind {
        UPGRADE,
        DOWNGRADE,
        KEEP
    }
}
