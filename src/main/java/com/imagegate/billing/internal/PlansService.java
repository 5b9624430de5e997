package com.imagegate.billing.internal;

import com.imagegate.billing.Catalog;
import com.imagegate.billing.CurrentPlan;
import com.imagegate.billing.CustomTerms;
import com.imagegate.billing.Plans;
import com.imagegate.billing.WorkspaceOverrides;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Service;

/**
 * A workspace's plan from its subscription as Stripe last reported it: active, trialing or past due (Stripe is still
 * retrying a failed renewal: the plan stays meanwhile) is the plan; a subscription set to end at its period end stops
 * counting at that end even before Stripe's {@code customer.subscription.deleted} arrives; anything else is Free.
 */
@Service
class PlansService implements Plans {

    private final BillingStore store;
    private final Catalog catalog;
    private final Clock clock;
    private final WorkspaceOverrides overrides;

    PlansService(BillingStore store, Catalog catalog, Clock clock, WorkspaceOverrides overrides) {
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
        this.overrides = overrides;
    }

    /** The plan with the workspace's custom terms ({@link WorkspaceOverrides}) applied. */
    @Override
    public CurrentPlan current(String workspaceId) {
        return plan(workspaceId).withCustom(overrides.get(workspaceId));
    }

    private CurrentPlan plan(String workspaceId) {
        Instant now = clock.instant();
        for (BillingStore.SubscriptionRow row : store.liveSubscriptions(workspaceId)) {
            if (row.cancelAtPeriodEnd()
                    && row.currentPeriodEnd() != null
                    && !row.currentPeriodEnd().isAfter(now)) {
                continue;
            }
            var plan = catalog.subscription(row.plan());
            if (plan.isPresent()) {
                return new CurrentPlan(
                        row.plan(),
                        plan.get().name(),
                        plan.get().requestsPerMinute(),
                        plan.get().concurrentTasks(),
                        row.currentPeriodEnd(),
                        row.cancelAtPeriodEnd(),
                        row.paymentFailedAt() != null,
                        row.failedInvoiceUrl(),
                        row.cancelAtPeriodEnd() ? null : row.scheduledPlan(),
                        CustomTerms.NONE,
                        plan.get().requestsPerMinute(),
                        plan.get().concurrentTasks());
            }
        }
        var free = catalog.free();
        return new CurrentPlan(
                CurrentPlan.FREE,
                free.name(),
                free.requestsPerMinute(),
                free.concurrentTasks(),
                null,
                false,
                false,
                null,
                null,
                CustomTerms.NONE,
                free.requestsPerMinute(),
                free.concurrentTasks());
    }
}
