package com.imagegate.billing;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The plan a workspace is on now and the limits that follow from it, with the workspace's {@link CustomTerms} applied:
 * {@link #requestsPerMinute} and {@link #concurrentTasks} are the effective limits (the custom value where an admin set
 * one, else the plan's), {@link #planRequestsPerMinute} and {@link #planConcurrentTasks} the plan's own.
 *
 * @param id {@code free} or the catalog id of the subscription plan ({@code pro}, {@code max})
 * @param requestsPerMinute task creations per minute, in effect for this workspace
 * @param concurrentTasks unfinished tasks at once, in effect for this workspace
 * @param periodEnd when the current billing period ends (and its allowance expires); {@code null} on Free
 * @param cancelAtPeriodEnd the plan ends at {@code periodEnd} and is not renewed
 * @param paymentFailed the last renewal payment failed and Stripe is retrying (the plan stays meanwhile)
 * @param failedInvoiceUrl Stripe's page where the failed invoice can be paid, if known
 * @param scheduledPlan the catalog id of the plan the subscription changes to at {@code periodEnd} (a downgrade), if any
 * @param custom the workspace's custom terms ({@link CustomTerms#NONE} when it has none)
 * @param planRequestsPerMinute the plan's own task creations per minute
 * @param planConcurrentTasks the plan's own unfinished tasks at once
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
        String scheduledPlan,
        CustomTerms custom,
        int planRequestsPerMinute,
        int planConcurrentTasks) {

    public static final String FREE = "free";

    public CurrentPlan {
        custom = custom == null ? CustomTerms.NONE : custom;
    }

    /** This plan under the workspace's custom terms: each custom value wins, the rest stays the plan's. */
    public CurrentPlan withCustom(CustomTerms terms) {
        CustomTerms applied = terms == null ? CustomTerms.NONE : terms;
        return new CurrentPlan(
                id,
                name,
                applied.requestsPerMinute() == null ? planRequestsPerMinute : applied.requestsPerMinute(),
                applied.concurrentTasks() == null ? planConcurrentTasks : applied.concurrentTasks(),
                periodEnd,
                cancelAtPeriodEnd,
                paymentFailed,
                failedInvoiceUrl,
                scheduledPlan,
                applied,
                planRequestsPerMinute,
                planConcurrentTasks);
    }

    /** An admin set this workspace's requests per minute. */
    public boolean customRequestsPerMinute() {
        return custom.requestsPerMinute() != null;
    }

    /** An admin set this workspace's concurrent tasks. */
    public boolean customConcurrentTasks() {
        return custom.concurrentTasks() != null;
    }

    /** An admin set a price multiplier for this workspace. */
    public boolean customPricing() {
        return custom.priceMultiplier() != null;
    }

    /** The factor on list prices: the custom multiplier, or exactly 1.00. */
    public BigDecimal priceMultiplier() {
        return custom.priceMultiplier() == null ? BigDecimal.ONE.setScale(2) : custom.priceMultiplier();
    }

    public boolean isFree() {
        return FREE.equals(id);
    }
}
