package com.imagegate.billing.internal;

import com.imagegate.Ids;
import com.imagegate.billing.Catalog;
import com.imagegate.billing.PlanProperties;
import com.imagegate.billing.TopUpSucceeded;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LotSource;
import com.stripe.model.PaymentIntent;
import com.stripe.model.PaymentMethod;
import com.stripe.model.SetupIntent;
import com.stripe.model.checkout.Session;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Stripe's events for automatic top-up, each worked out from the object as Stripe has it now (so a late, repeated or
 * reordered delivery acts on the current state): a setup-mode Checkout saved a card ({@code
 * checkout.session.completed}); a top-up's PaymentIntent succeeded (the only place its credits are granted, once, with
 * the reference {@code stripe:<payment intent>}) or failed.
 */
@Component
class TopUpEvents {

    private final StripeGateway stripe;
    private final TopUpStore store;
    private final TopUpService topUps;
    private final BillingStore billing;
    private final Catalog catalog;
    private final Credits credits;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    TopUpEvents(
            StripeGateway stripe,
            TopUpStore store,
            TopUpService topUps,
            BillingStore billing,
            Catalog catalog,
            Credits credits,
            ApplicationEventPublisher events,
            Clock clock) {
        this.stripe = stripe;
        this.store = store;
        this.topUps = topUps;
        this.billing = billing;
        this.catalog = catalog;
        this.credits = credits;
        this.events = events;
        this.clock = clock;
    }

    /**
     * A setup-mode Checkout completed: its SetupIntent's card becomes the workspace's top-up card, unless a card saved
     * by a newer SetupIntent is recorded already (an old event delivered late changes nothing).
     */
    EventStep setupCompleted(String workspaceId, Session session) {
        if (session.getSetupIntent() == null) {
            return new EventStep(workspaceId, () -> "setup checkout without a setup intent; nothing saved");
        }
        SetupIntent intent = stripe.setupIntent(session.getSetupIntent());
        if (!"succeeded".equals(intent.getStatus()) || intent.getPaymentMethod() == null) {
            return new EventStep(workspaceId, () -> "setup intent is " + intent.getStatus() + "; nothing saved");
        }
        PaymentMethod method = stripe.paymentMethod(intent.getPaymentMethod());
        String customer = billing.customerOf(workspaceId).orElse(null);
        if (customer == null || !customer.equals(method.getCustomer())) {
            return new EventStep(
                    workspaceId,
                    () -> "payment method " + method.getId() + " is not attached to the workspace's customer");
        }
        String brand =
                method.getCard() == null ? method.getType() : method.getCard().getBrand();
        String last4 = method.getCard() == null ? null : method.getCard().getLast4();
        long savedAt = Objects.requireNonNullElse(intent.getCreated(), 0L);
        return new EventStep(workspaceId, () -> {
            Instant now = clock.instant();
            var settings = store.lockSettings(workspaceId, now);
            if (settings.cardSavedAt() != null && settings.cardSavedAt() > savedAt) {
                return "a newer card is saved already; " + method.getId() + " not recorded";
            }
            store.saveCard(workspaceId, method.getId(), brand, last4, savedAt, now);
            return "saved " + brand + " " + last4 + " for automatic top-up";
        });
    }

    /** A top-up's PaymentIntent succeeded: its credits, once. Other PaymentIntents (pack Checkouts) are not ours. */
    EventStep paymentIntentSucceeded(String paymentIntentId) {
        PaymentIntent intent = stripe.paymentIntent(paymentIntentId);
        Optional<TopUpStore.AttemptRow> found = attemptOf(intent);
        if (found.isEmpty()) {
            return EventStep.nothing("not an automatic top-up");
        }
        var attempt = found.get();
        if (!"succeeded".equals(intent.getStatus())) {
            return new EventStep(attempt.workspaceId(), () -> "payment is " + intent.getStatus() + "; waiting for it");
        }
        Optional<PlanProperties.Pack> pack = catalog.pack(attempt.pack());
        Period validity = pack.map(PlanProperties.Pack::validity).orElse(null);
        String name = pack.map(PlanProperties.Pack::name).orElse(attempt.pack());
        long amount = Objects.requireNonNullElse(intent.getAmount(), attempt.amountCents());
        String currency = Objects.requireNonNullElse(intent.getCurrency(), attempt.currency());
        return new EventStep(attempt.workspaceId(), () -> {
            Instant now = clock.instant();
            String workspaceId = attempt.workspaceId();
            var settings = store.lockSettings(workspaceId, now);
            var locked = store.lockAttempt(attempt.id()).orElseThrow();
            if ("SUCCEEDED".equals(locked.status())) {
                return "top-up " + attempt.id() + " was granted already";
            }
            Instant expiresAt = validity == null
                    ? null
                    : now.atOffset(ZoneOffset.UTC).plus(validity).toInstant();
            if (!billing.paymentExists(intent.getId())) {
                billing.insertPayment(new BillingStore.PaymentRow(
                        Ids.next("pay"),
                        workspaceId,
                        "TOPUP",
                        attempt.pack(),
                        intent.getId(),
                        intent.getId(),
                        amount,
                        currency,
                        attempt.credits(),
                        expiresAt,
                        null,
                        0,
                        0,
                        now));
            }
            store.status(attempt.id(), "SUCCEEDED", intent.getId(), null, null, now);
            store.failures(workspaceId, 0, settings.paused(), now);
            credits.grant(new Grant(
                    workspaceId,
                    attempt.credits(),
                    LotSource.PACK,
                    expiresAt,
                    "stripe:" + intent.getId(),
                    "stripe",
                    name + " bought by automatic top-up " + attempt.id()));
            long balance = credits.balance(workspaceId).spendable();
            events.publishEvent(new TopUpSucceeded(
                    workspaceId, attempt.id(), attempt.pack(), attempt.credits(), amount, currency, balance, now));
            return "granted " + attempt.credits() + " credits for top-up " + attempt.id();
        });
    }

    /** A top-up's PaymentIntent failed; nothing when it has succeeded since (an old event delivered late). */
    EventStep paymentIntentFailed(String paymentIntentId) {
        PaymentIntent intent = stripe.paymentIntent(paymentIntentId);
        Optional<TopUpStore.AttemptRow> found = attemptOf(intent);
        if (found.isEmpty()) {
            return EventStep.nothing("not an automatic top-up");
        }
        var attempt = found.get();
        if ("succeeded".equals(intent.getStatus()) || "processing".equals(intent.getStatus())) {
            return new EventStep(attempt.workspaceId(), () -> "payment is " + intent.getStatus() + " now; no failure");
        }
        var error = intent.getLastPaymentError();
        String code = error == null ? null : error.getCode();
        String reason = "authentication_required".equals(code) || "requires_action".equals(intent.getStatus())
                ? "authentication_required"
                : "card_declined".equals(code) ? "card_declined" : "payment_failed";
        String message = error == null ? null : error.getMessage();
        return new EventStep(
                attempt.workspaceId(),
                () -> topUps.failInTransaction(attempt.id(), reason, message, intent.getId())
                        ? "top-up " + attempt.id() + " failed: " + reason
                        : "top-up " + attempt.id() + " was decided already");
    }

    /** The attempt a PaymentIntent was made for: named in its metadata, and made for the same customer. */
    private Optional<TopUpStore.AttemptRow> attemptOf(PaymentIntent intent) {
        Map<String, String> metadata = Objects.requireNonNullElse(intent.getMetadata(), Map.of());
        String attemptId = metadata.get("topup_id");
        if (attemptId == null) {
            return Optional.empty();
        }
        return store.attempt(attemptId)
                .filter(a -> billing.customerOf(a.workspaceId())
                        .map(c -> c.equals(intent.getCustomer()))
                        .orElse(false));
    }
}
