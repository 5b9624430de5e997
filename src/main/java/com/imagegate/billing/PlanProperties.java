package com.imagegate.billing;

import java.time.Period;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The catalog: the free tier, subscription plans and one-time credit packs. Defaults live in
 * {@code application.yaml}; any field can be overridden, e.g. {@code IMAGEGATE_PLANS_SUBSCRIPTIONS_PRO_STRIPE_PRICE}.
 * Prices are in minor units of the currency (cents).
 */
@ConfigurationProperties("imagegate.plans")
public record PlanProperties(Free free, Map<String, Subscription> subscriptions, Map<String, Pack> packs) {

    public PlanProperties {
        free = free == null ? new Free("Free", 10, 2) : free;
        subscriptions = subscriptions == null ? Map.of() : Map.copyOf(subscriptions);
        packs = packs == null ? Map.of() : Map.copyOf(packs);
    }

    /** The plan every workspace has without paying. */
    public record Free(String name, int requestsPerMinute, int concurrentTasks) {}

    /** A monthly plan: an allowance of credits that expires at the end of each billing period. */
    public record Subscription(
            String name,
            long priceCents,
            String currency,
            long creditsPerPeriod,
            int requestsPerMinute,
            int concurrentTasks,
            String stripePrice) {}

    /** A one-time purchase of credits valid for a period. */
    public record Pack(
            String name, long priceCents, String currency, long credits, Period validity, String stripePrice) {}
}
