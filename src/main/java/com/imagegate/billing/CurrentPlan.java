package com.imagegate.billing;

import java.time.Instant;

/**
 * The plan a workspace is on now and the limits that follow from it.
 *
 * @param id {@code free} or the catalog id of the subscription plan ({@code pro}, {@code max})
 * @param requestsPerMinute task creations per minute
 * @param concurrentTasks unfinished tasks at once
 * @param periodEnd when the current billing period ends (and its allowance expires); {@code null} on Free
 * @param cancelAtPeriodEnd the plan ends at {@code periodEnd} and is not renewed
 * @param paymentFailed the last renewal payment failed and Stripe is retrying (the plan stays meanwhile)
 * @param failedInvoiceUrl Stripe's page where the failed invoice can be paid, if known
 * @param scheduledPlan the catalog id of the plan the subscription changes to at {@code periodEnd} (a downgrade), if any
 */
public record CurrentPlan(
        String id,
        String name,
        int requestsPerMinute,
        int concurrentTasks,
        Instant periodEnd,
        boolean cancelAtPeriodEnd,
        boolean paymentFailed,
        String failedInvoiceUrl,
        String scheduledPlan) {

    public static final String FREE = "free";

    public boolean isFree() {
        return FREE.equals(id);
    }
}
