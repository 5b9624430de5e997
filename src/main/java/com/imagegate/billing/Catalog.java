package com.imagegate.billing;

import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Service;

/** What can be bought, in display order, and whether payments are switched on. */
@Service
public class Catalog {

    private final PlanProperties plans;
    private final BillingProperties billing;

    Catalog(PlanProperties plans, BillingProperties billing) {
        this.plans = plans;
        this.billing = billing;
    }

    public PlanProperties.Free free() {
        return plans.free();
    }

    /** Subscription plans, cheapest first. */
    public List<PlanProperties.Subscription> subscriptions() {
        return plans.subscriptions().values().stream()
                .sorted(Comparator.comparingLong(PlanProperties.Subscription::priceCents))
                .toList();
    }

    /** Credit packs, cheapest first. */
    public List<PlanProperties.Pack> packs() {
        return plans.packs().values().stream()
                .sorted(Comparator.comparingLong(PlanProperties.Pack::priceCents))
                .toList();
    }

    /** True when a Stripe secret key is set; otherwise the billing pages say that payments are off. */
    public boolean paymentsConfigured() {
        return billing.stripe().isConfigured();
    }
}
