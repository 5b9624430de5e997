package com.imagegate.billing.internal;

import com.imagegate.billing.Catalog;
import com.imagegate.billing.PlanProperties;
import com.stripe.model.Price;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import java.time.Instant;
import java.util.Map;

/**
 * A Stripe subscription as billing keeps it: which catalog plan its price is, its status and period.
 *
 * @param plan the catalog plan id, or {@code null} when its price is none of the configured ones
 */
record SubscriptionState(
        String id,
        String customer,
        String plan,
        String status,
        Instant periodStart,
        Instant periodEnd,
        boolean cancelAtPeriodEnd,
        String schedule) {

    static SubscriptionState of(Subscription subscription, Catalog catalog, StripeGateway gateway) {
        SubscriptionItem item = subscription.getItems() == null
                        || subscription.getItems().getData() == null
                        || subscription.getItems().getData().isEmpty()
                ? null
                : subscription.getItems().getData().get(0);
        Price price = item == null ? null : item.getPrice();
        String plan = price == null ? null : planOf(price, catalog, gateway);
        Long periodStart = item == null ? null : item.getCurrentPeriodStart();
        Long periodEnd = item == null ? null : item.getCurrentPeriodEnd();
        return new SubscriptionState(
                subscription.getId(),
                subscription.getCustomer(),
                plan,
                subscription.getStatus(),
                periodStart == null ? null : Instant.ofEpochSecond(periodStart),
                periodEnd == null ? null : Instant.ofEpochSecond(periodEnd),
                Boolean.TRUE.equals(subscription.getCancelAtPeriodEnd()),
                subscription.getSchedule());
    }

    /** The first item's id: the one the plan's price sits on. */
    static String itemId(Subscription subscription) {
        return subscription.getItems().getData().get(0).getId();
    }

    /** The catalog plan whose configured price (an id, or a lookup key resolved through Stripe) is {@code priceId}. */
    static String planOfPriceId(String priceId, Catalog catalog, StripeGateway gateway) {
        for (Map.Entry<String, PlanProperties.Subscription> entry :
                catalog.subscriptionsById().entrySet()) {
            String configured = entry.getValue().stripePrice();
            if (configured != null && (configured.equals(priceId) || priceId.equals(gateway.priceId(configured)))) {
                return entry.getKey();
            }
        }
        return null;
    }

    private static String planOf(Price price, Catalog catalog, StripeGateway gateway) {
        for (Map.Entry<String, PlanProperties.Subscription> entry :
                catalog.subscriptionsById().entrySet()) {
            String configured = entry.getValue().stripePrice();
            if (configured == null) {
                continue;
            }
            if (configured.equals(price.getId())
                    || configured.equals(price.getLookupKey())
                    || price.getId().equals(gateway.cachedPriceId(configured))) {
                return entry.getKey();
            }
        }
        return null;
    }

    boolean live() {
        return "active".equals(status) || "trialing".equals(status) || "past_due".equals(status);
    }
}
