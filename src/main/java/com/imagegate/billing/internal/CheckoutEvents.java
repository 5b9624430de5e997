package com.imagegate.billing.internal;

import com.imagegate.Ids;
import com.imagegate.billing.Catalog;
import com.imagegate.billing.PlanProperties;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.credits.LotSource;
import com.stripe.model.checkout.Session;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code checkout.session.*}: a paid pack's credits (granted once per session, expiring after the pack's validity), a
 * plan checkout's subscription recorded, a delayed payment that failed; a setup-mode checkout's card for automatic
 * top-up ({@link TopUpEvents}).
 */
@Component
class CheckoutEvents {

    private static final Logger log = LoggerFactory.getLogger(CheckoutEvents.class);

    private final StripeGateway stripe;
    private final BillingStore store;
    private final Catalog catalog;
    private final Credits credits;
    private final StripeWorkspaces workspaces;
    private final TopUpEvents topUps;
    private final Clock clock;

    CheckoutEvents(
            StripeGateway stripe,
            BillingStore store,
            Catalog catalog,
            Credits credits,
            StripeWorkspaces workspaces,
            TopUpEvents topUps,
            Clock clock) {
        this.stripe = stripe;
        this.store = store;
        this.catalog = catalog;
        this.credits = credits;
        this.workspaces = workspaces;
        this.topUps = topUps;
        this.clock = clock;
    }

    EventStep checkoutSession(String type, String sessionId) {
        Session session = stripe.session(sessionId);
        Map<String, String> metadata = Objects.requireNonNullElse(session.getMetadata(), Map.of());
        Optional<String> workspace = workspaces
                .ofCustomer(session.getCustomer())
                .or(() -> workspaces.existing(metadata.get("workspace_id")));
        if (workspace.isEmpty()) {
            return EventStep.nothing("no workspace for checkout session " + sessionId);
        }
        String workspaceId = workspace.get();
        if ("setup".equals(session.getMode())) {
            return "checkout.session.completed".equals(type)
                    ? topUps.setupCompleted(workspaceId, session)
                    : new EventStep(workspaceId, () -> "setup checkout: nothing to do for " + type);
        }
        if ("subscription".equals(session.getMode())) {
            if (session.getSubscription() == null) {
                return new EventStep(workspaceId, () -> "subscription checkout without a subscription yet");
            }
            SubscriptionState state =
                    SubscriptionState.of(stripe.subscription(session.getSubscription()), catalog, stripe);
            return new EventStep(workspaceId, () -> {
                store.saveSubscription(state, workspaceId, clock.instant());
                return "subscription " + state.id() + " is " + state.status() + " on plan " + state.plan();
            });
        }
        if ("checkout.session.async_payment_failed".equals(type)) {
            return new EventStep(workspaceId, () -> {
                store.checkoutStatus(sessionId, "FAILED", clock.instant());
                return "delayed payment failed; nothing granted";
            });
        }
        if (!"paid".equals(session.getPaymentStatus())) {
            return new EventStep(workspaceId, () -> "payment is " + session.getPaymentStatus() + "; waiting for it");
        }
        String product = metadata.get("product");
        Optional<PlanProperties.Pack> pack = catalog.pack(product);
        long packCredits = parseLong(
                metadata.get("credits"), pack.map(PlanProperties.Pack::credits).orElse(0L));
        Period validity = parsePeriod(
                metadata.get("validity"),
                pack.map(PlanProperties.Pack::validity).orElse(null));
        if (packCredits <= 0) {
            log.error("Stripe checkout session {} paid for unknown product {}: no credits granted", sessionId, product);
            return new EventStep(workspaceId, () -> "paid for unknown product " + product + "; nothing granted");
        }
        String name = pack.map(PlanProperties.Pack::name).orElse(product);
        return new EventStep(workspaceId, () -> {
            Instant now = clock.instant();
            Instant expiresAt = validity == null
                    ? null
                    : now.atOffset(ZoneOffset.UTC).plus(validity).toInstant();
            if (!store.paymentExists(sessionId)) {
                store.insertPayment(new BillingStore.PaymentRow(
                        Ids.next("pay"),
                        workspaceId,
                        "PACK",
                        product,
                        sessionId,
                        session.getPaymentIntent(),
                        Objects.requireNonNullElse(session.getAmountTotal(), 0L),
                        Objects.requireNonNullElse(session.getCurrency(), "usd"),
                        packCredits,
                        expiresAt,
                        null,
                        0,
                        0,
                        now));
            }
            LedgerEntry entry = credits.grant(new Grant(
                    workspaceId,
                    packCredits,
                    LotSource.PACK,
                    expiresAt,
                    "stripe:" + sessionId,
                    "stripe",
                    name + " bought with Stripe Checkout " + sessionId));
            store.checkoutStatus(sessionId, "PAID", now);
            return "granted " + entry.credits() + " credits for " + name;
        });
    }

    private static long parseLong(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Period parsePeriod(String value, Period fallback) {
        try {
            return value == null ? fallback : Period.parse(value);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
