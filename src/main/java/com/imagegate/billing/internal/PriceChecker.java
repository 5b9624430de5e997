package com.imagegate.billing.internal;

import com.imagegate.billing.Catalog;
import com.imagegate.billing.PriceMismatch;
import com.stripe.model.Price;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Compares the catalog with the connected Stripe account: every product's price must exist, be active, and have the
 * configured amount, currency and kind (monthly for plans, one-time for packs). Runs once at start (in the
 * background, so an unreachable Stripe does not stop the application) and when an admin asks; the result is shown to
 * admins on the billing page and logged.
 */
@Component
class PriceChecker {

    private static final Logger log = LoggerFactory.getLogger(PriceChecker.class);

    private final Catalog catalog;
    private final StripeGateway stripe;
    private volatile List<PriceMismatch> last = List.of();

    PriceChecker(Catalog catalog, StripeGateway stripe) {
        this.catalog = catalog;
        this.stripe = stripe;
    }

    @EventListener(ApplicationReadyEvent.class)
    void checkAtStart() {
        if (catalog.paymentsConfigured()) {
            Thread.ofVirtual().name("stripe-price-check").start(this::check);
        }
    }

    List<PriceMismatch> last() {
        return last;
    }

    List<PriceMismatch> check() {
        List<PriceMismatch> mismatches = new ArrayList<>();
        catalog.subscriptionsById()
                .forEach((id, plan) -> compare(id, plan.stripePrice(), plan.priceCents(), plan.currency(), true)
                        .ifPresent(mismatches::add));
        catalog.packsById()
                .forEach((id, pack) -> compare(id, pack.stripePrice(), pack.priceCents(), pack.currency(), false)
                        .ifPresent(mismatches::add));
        mismatches.forEach(m -> log.warn("Stripe price of {} ({}): {}", m.product(), m.stripePrice(), m.problem()));
        if (mismatches.isEmpty()) {
            log.info("Stripe prices match the catalog");
        }
        last = List.copyOf(mismatches);
        return last;
    }

    private Optional<PriceMismatch> compare(
            String product, String configured, long cents, String currency, boolean monthly) {
        if (configured == null || configured.isBlank()) {
            return Optional.of(new PriceMismatch(product, "", "no stripe-price configured"));
        }
        Optional<Price> found;
        try {
            found = stripe.findPrice(configured);
        } catch (StripeGateway.StripeCallException e) {
            return Optional.of(new PriceMismatch(product, configured, "could not be read: " + e.getMessage()));
        }
        if (found.isEmpty()) {
            return Optional.of(new PriceMismatch(product, configured, "no such active price in the Stripe account"));
        }
        Price price = found.get();
        List<String> problems = new ArrayList<>();
        if (!Boolean.TRUE.equals(price.getActive())) {
            problems.add("the price is archived");
        }
        if (price.getUnitAmount() == null || price.getUnitAmount() != cents) {
            problems.add("amount is " + price.getUnitAmount() + " cents, the catalog says " + cents);
        }
        if (currency != null && !currency.toLowerCase(Locale.ROOT).equals(price.getCurrency())) {
            problems.add("currency is " + price.getCurrency() + ", the catalog says " + currency);
        }
        boolean recurringMonthly = price.getRecurring() != null
                && "month".equals(price.getRecurring().getInterval())
                && Long.valueOf(1).equals(price.getRecurring().getIntervalCount());
        if (monthly && !recurringMonthly) {
            problems.add("a plan needs a monthly recurring price");
        }
        if (!monthly && price.getRecurring() != null) {
            problems.add("a pack needs a one-time price");
        }
        return problems.isEmpty()
                ? Optional.empty()
                : Optional.of(new PriceMismatch(product, configured, String.join("; ", problems)));
    }
}
