package com.imagegate.billing;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
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

    /** Subscription plans by catalog id ({@code pro}, {@code max}), cheapest first. */
    public Map<String, PlanProperties.Subscription> subscriptionsById() {
        return sortedById(plans.subscriptions(), PlanProperties.Subscription::priceCents);
    }

    /** Credit packs by catalog id ({@code standard}), cheapest first. */
    public Map<String, PlanProperties.Pack> packsById() {
        return sortedById(plans.packs(), PlanProperties.Pack::priceCents);
    }

    public Optional<PlanProperties.Subscription> subscription(String id) {
        return Optional.ofNullable(id).map(plans.subscriptions()::get);
    }

    public Optional<PlanProperties.Pack> pack(String id) {
        return Optional.ofNullable(id).map(plans.packs()::get);
    }

    private static <T> Map<String, T> sortedById(Map<String, T> items, ToLongFunction<T> price) {
        Map<String, T> sorted = new LinkedHashMap<>();
        items.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, T> e) -> price.applyAsLong(e.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** True when a Stripe secret key is set; otherwise the billing pages say that payments are off. */
    public boolean paymentsConfigured() {
        return billing.stripe().isConfigured();
    }
}
