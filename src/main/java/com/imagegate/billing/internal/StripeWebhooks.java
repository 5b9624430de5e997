package com.imagegate.billing.internal;

import com.imagegate.Ids;
import com.imagegate.account.Accounts;
import com.imagegate.billing.BillingProperties;
import com.imagegate.billing.Catalog;
import com.imagegate.billing.PlanProperties;
import com.imagegate.credits.Clawback;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.credits.LotSource;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.InvoicePayment;
import com.stripe.model.checkout.Session;
import com.stripe.net.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe's webhook events: the only place credits are granted for payments and taken back for refunds and disputes.
 *
 * <p>Each delivery is verified ({@code Stripe-Signature}, HMAC-SHA256 with the endpoint secret, timestamp within the
 * tolerance), then the object it is about is re-read from Stripe's API (so events arriving late, twice or out of order
 * act on the current state), and then, in one transaction, the event id is recorded in a unique table and its effects
 * are written. A duplicate delivery, even a concurrent one, finds the id taken and changes nothing; the ledger's
 * references ({@code stripe:<object id>}) make the grants idempotent on their own as well.
 */
@Service
public class StripeWebhooks {

    private static final Logger log = LoggerFactory.getLogger(StripeWebhooks.class);

    static final Set<String> HANDLED = Set.of(
            "checkout.session.completed",
            "checkout.session.async_payment_succeeded",
            "checkout.session.async_payment_failed",
            "invoice.paid",
            "invoice.payment_failed",
            "customer.subscription.created",
            "customer.subscription.updated",
            "customer.subscription.deleted",
            "charge.refunded",
            "charge.dispute.created");

    private final BillingProperties.Stripe properties;
    private final StripeGateway stripe;
    private final BillingStore store;
    private final Catalog catalog;
    private final Credits credits;
    private final Accounts accounts;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final PlanAllowances allowances;

    StripeWebhooks(
            BillingProperties properties,
            StripeGateway stripe,
            BillingStore store,
            Catalog catalog,
            Credits credits,
            Accounts accounts,
            Clock clock,
            PlatformTransactionManager transactions,
            PlanAllowances allowances) {
        this.allowances = allowances;
        this.properties = properties.stripe();
        this.stripe = stripe;
        this.store = store;
        this.catalog = catalog;
        this.credits = credits;
        this.accounts = accounts;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    /** What the endpoint answers: 2xx done (or nothing to do), 400 refused for good, 503 Stripe should retry. */
    public record Result(int status, String message) {}

    /** An event that cannot be applied yet (what it refers to is not known here yet); Stripe retries it later. */
    static final class RetryLater extends RuntimeException {
        RetryLater(String message) {
            super(message);
        }
    }

    /** The writes of one event, run in its transaction after the event id is recorded; returns the outcome. */
    private record Step(String workspaceId, java.util.function.Supplier<String> apply) {
        static Step nothing(String outcome) {
            return new Step(null, () -> outcome);
        }
    }

    public Result handle(byte[] body, String signature) {
        String secret = properties.webhookSecret();
        if (secret == null || secret.isBlank()) {
            log.warn("Stripe webhook refused: imagegate.billing.stripe.webhook-secret is not set");
            return new Result(400, "Webhook signing secret is not configured.");
        }
        if (signature == null || signature.isBlank()) {
            return new Result(400, "Missing Stripe-Signature header.");
        }
        String payload = new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8);
        try {
            Webhook.Signature.verifyHeader(
                    payload, signature, secret, properties.webhookTolerance().toSeconds(), clock);
        } catch (SignatureVerificationException e) {
            log.warn("Stripe webhook refused: {}", e.getMessage());
            return new Result(400, "Invalid signature: " + e.getMessage());
        }
        JsonNode event;
        try {
            event = JsonMapper.shared().readTree(payload);
        } catch (JacksonException e) {
            return new Result(400, "The event is not JSON.");
        }
        String id = text(event.path("id"));
        String type = text(event.path("type"));
        String objectId = text(event.path("data").path("object").path("id"));
        if (id == null || type == null || objectId == null) {
            return new Result(400, "The event lacks id, type or data.object.id.");
        }
        if (!HANDLED.contains(type)) {
            return new Result(200, "Ignored: " + type + " is not an event Imagegate acts on.");
        }
        if (store.eventSeen(id)) {
            return new Result(200, "Duplicate: " + id + " was processed already.");
        }
        Step step;
        try {
            step = resolve(type, objectId);
        } catch (StripeGateway.StripeCallException | RetryLater e) {
            log.warn("Stripe event {} ({}) not applied yet, Stripe will retry: {}", id, type, e.getMessage());
            return new Result(503, "Not applied yet: " + e.getMessage());
        }
        try {
            String outcome = transaction.execute(status -> {
                store.recordEvent(id, type, step.workspaceId(), "processing", clock.instant());
                String result = step.apply().get();
                store.recordEventOutcome(id, result);
                return result;
            });
            log.info("Stripe event {} ({}) for {}: {}", id, type, step.workspaceId(), outcome);
            return new Result(200, Objects.requireNonNullElse(outcome, "done"));
        } catch (DuplicateKeyException duplicate) {
            return new Result(200, "Duplicate: " + id + " was processed already.");
        } catch (RetryLater | org.springframework.dao.DataIntegrityViolationException e) {
            log.warn("Stripe event {} ({}) not applied, Stripe will retry: {}", id, type, e.getMessage());
            return new Result(503, "Not applied yet.");
        }
    }

    private Step resolve(String type, String objectId) {
        return switch (type) {
            case "checkout.session.completed",
                    "checkout.session.async_payment_succeeded",
                    "checkout.session.async_payment_failed" -> checkoutSession(type, objectId);
            case "invoice.paid" -> invoicePaid(objectId);
            case "invoice.payment_failed" -> invoicePaymentFailed(objectId);
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted" ->
                subscriptionChanged(objectId);
            case "charge.refunded" -> chargeRefunded(objectId);
            case "charge.dispute.created" -> disputeCreated(objectId);
            default -> Step.nothing("ignored");
        };
    }

    // --- checkout

    private Step checkoutSession(String type, String sessionId) {
        Session session = stripe.session(sessionId);
        Map<String, String> metadata = Objects.requireNonNullElse(session.getMetadata(), Map.of());
        Optional<String> workspace =
                workspaceOfCustomer(session.getCustomer()).or(() -> existingWorkspace(metadata.get("workspace_id")));
        if (workspace.isEmpty()) {
            return Step.nothing("no workspace for checkout session " + sessionId);
        }
        String workspaceId = workspace.get();
        if ("subscription".equals(session.getMode())) {
            if (session.getSubscription() == null) {
                return new Step(workspaceId, () -> "subscription checkout without a subscription yet");
            }
            SubscriptionState state =
                    SubscriptionState.of(stripe.subscription(session.getSubscription()), catalog, stripe);
            return new Step(workspaceId, () -> {
                saveSubscription(state, workspaceId);
                return "subscription " + state.id() + " is " + state.status() + " on plan " + state.plan();
            });
        }
        if ("checkout.session.async_payment_failed".equals(type)) {
            return new Step(workspaceId, () -> {
                store.checkoutStatus(sessionId, "FAILED", clock.instant());
                return "delayed payment failed; nothing granted";
            });
        }
        if (!"paid".equals(session.getPaymentStatus())) {
            return new Step(workspaceId, () -> "payment is " + session.getPaymentStatus() + "; waiting for it");
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
            return new Step(workspaceId, () -> "paid for unknown product " + product + "; nothing granted");
        }
        String name = pack.map(PlanProperties.Pack::name).orElse(product);
        return new Step(workspaceId, () -> {
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

    // --- subscriptions and their invoices

    private Step invoicePaid(String invoiceId) {
        Invoice invoice = stripe.invoice(invoiceId);
        String subscriptionId = subscriptionOf(invoice);
        if (subscriptionId == null) {
            return Step.nothing("not a subscription invoice");
        }
        SubscriptionState state = SubscriptionState.of(stripe.subscription(subscriptionId), catalog, stripe);
        Optional<String> workspace = workspaceOfCustomer(invoice.getCustomer());
        if (workspace.isEmpty()) {
            return Step.nothing("no workspace for customer " + invoice.getCustomer());
        }
        String workspaceId = workspace.get();
        InvoiceCredits.Outcome outcome = InvoiceCredits.claim(facts(invoice), catalog.subscriptionsById());
        String paymentIntent = paymentIntentOf(invoice);
        return new Step(workspaceId, () -> {
            Instant now = clock.instant();
            saveSubscription(state, workspaceId);
            if (!"paid".equals(invoice.getStatus())) {
                return "invoice is " + invoice.getStatus() + "; nothing granted";
            }
            store.paymentSucceeded(subscriptionId);
            store.planCheckoutsPaid(workspaceId, now);
            if (outcome instanceof InvoiceCredits.Refusal refusal) {
                store.flag(workspaceId, refusal.flag(), "invoice:" + invoiceId, refusal.detail(), now);
                allowances.recordWithoutCredits(workspaceId, invoice, paymentIntent, state.plan(), now);
                return refusal.detail();
            }
            return allowances.grant(
                    workspaceId, subscriptionId, invoice, paymentIntent, (InvoiceCredits.Claim) outcome, now);
        });
    }

    /** The invoice as {@link InvoiceCredits} reads it: its reason, the money paid (no tax, no balance) and lines. */
    private InvoiceCredits.Invoice facts(Invoice invoice) {
        long paid = Objects.requireNonNullElse(invoice.getAmountPaid(), 0L);
        long offStripe = Objects.requireNonNullElse(invoice.getAmountPaidOffStripe(), 0L);
        long total = Objects.requireNonNullElse(invoice.getTotal(), 0L);
        long tax = invoice.getTotalExcludingTax() == null ? 0 : Math.max(0, total - invoice.getTotalExcludingTax());
        java.util.List<InvoiceCredits.Line> lines = new java.util.ArrayList<>();
        if (invoice.getLines() != null && invoice.getLines().getData() != null) {
            for (InvoiceLineItem line : invoice.getLines().getData()) {
                String price = line.getPricing() == null || line.getPricing().getPriceDetails() == null
                        ? null
                        : line.getPricing().getPriceDetails().getPrice();
                boolean proration = line.getParent() != null
                        && line.getParent().getSubscriptionItemDetails() != null
                        && Boolean.TRUE.equals(
                                line.getParent().getSubscriptionItemDetails().getProration());
                lines.add(new InvoiceCredits.Line(
                        price == null ? null : SubscriptionState.planOfPriceId(price, catalog, stripe),
                        Objects.requireNonNullElse(line.getAmount(), 0L),
                        proration,
                        line.getPeriod() == null || line.getPeriod().getStart() == null
                                ? null
                                : Instant.ofEpochSecond(line.getPeriod().getStart()),
                        line.getPeriod() == null || line.getPeriod().getEnd() == null
                                ? null
                                : Instant.ofEpochSecond(line.getPeriod().getEnd())));
            }
        }
        return new InvoiceCredits.Invoice(
                invoice.getId(), invoice.getBillingReason(), Math.max(0, paid - offStripe - tax), lines);
    }

    private Step invoicePaymentFailed(String invoiceId) {
        Invoice invoice = stripe.invoice(invoiceId);
        String subscriptionId = subscriptionOf(invoice);
        if (subscriptionId == null) {
            return Step.nothing("not a subscription invoice");
        }
        SubscriptionState state = SubscriptionState.of(stripe.subscription(subscriptionId), catalog, stripe);
        Optional<String> workspace = workspaceOfCustomer(invoice.getCustomer());
        if (workspace.isEmpty()) {
            return Step.nothing("no workspace for customer " + invoice.getCustomer());
        }
        return new Step(workspace.get(), () -> {
            saveSubscription(state, workspace.get());
            if ("paid".equals(invoice.getStatus())) {
                return "invoice was paid meanwhile";
            }
            if ("subscription_update".equals(invoice.getBillingReason())) {
                return "an upgrade's payment failed; the plan stays as it was";
            }
            store.paymentFailed(subscriptionId, invoice.getHostedInvoiceUrl(), clock.instant());
            return "renewal payment failed; subscription is " + state.status();
        });
    }

    private Step subscriptionChanged(String subscriptionId) {
        SubscriptionState state = SubscriptionState.of(stripe.subscription(subscriptionId), catalog, stripe);
        Optional<String> workspace = workspaceOfCustomer(state.customer());
        if (workspace.isEmpty()) {
            return Step.nothing("no workspace for customer " + state.customer());
        }
        return new Step(workspace.get(), () -> {
            saveSubscription(state, workspace.get());
            return "subscription " + subscriptionId + " is " + state.status() + " on plan " + state.plan()
                    + (state.cancelAtPeriodEnd() ? ", ending at " + state.periodEnd() : "");
        });
    }

    private void saveSubscription(SubscriptionState state, String workspaceId) {
        store.saveSubscription(state, workspaceId, clock.instant());
    }

    // --- refunds and disputes

    private Step chargeRefunded(String chargeId) {
        Charge charge = stripe.charge(chargeId);
        String paymentIntent = charge.getPaymentIntent();
        Optional<String> workspace = Optional.ofNullable(paymentIntent)
                .flatMap(store::workspaceOfPaymentIntent)
                .or(() -> workspaceOfCustomer(charge.getCustomer()));
        if (workspace.isEmpty()) {
            return Step.nothing("not a charge of a workspace here");
        }
        if (paymentIntent == null
                || store.workspaceOfPaymentIntent(paymentIntent).isEmpty()) {
            throw new RetryLater("the payment of charge " + chargeId + " is not recorded yet");
        }
        long refunded = Objects.requireNonNullElse(charge.getAmountRefunded(), 0L);
        return new Step(
                workspace.get(),
                () -> reclaim(
                        workspace.get(),
                        paymentIntent,
                        refunded,
                        "stripe:" + chargeId + ":refunded:" + refunded,
                        "refund of charge " + chargeId));
    }

    private Step disputeCreated(String disputeId) {
        Dispute dispute = stripe.dispute(disputeId);
        String paymentIntent = dispute.getPaymentIntent();
        Optional<String> workspace = Optional.ofNullable(paymentIntent)
                .flatMap(store::workspaceOfPaymentIntent)
                .or(() -> dispute.getCharge() == null
                        ? Optional.empty()
                        : workspaceOfCustomer(stripe.charge(dispute.getCharge()).getCustomer()));
        if (workspace.isEmpty()) {
            return Step.nothing("not a charge of a workspace here");
        }
        String workspaceId = workspace.get();
        if (paymentIntent != null
                && store.workspaceOfPaymentIntent(paymentIntent).isEmpty()) {
            // The dispute came before the payment's own event: take the credits back once that is recorded.
            throw new RetryLater("the payment of dispute " + disputeId + " is not recorded yet");
        }
        long amount = Objects.requireNonNullElse(dispute.getAmount(), 0L);
        return new Step(workspaceId, () -> {
            store.flag(
                    workspaceId,
                    "DISPUTE",
                    disputeId,
                    "Charge " + dispute.getCharge() + " disputed (" + dispute.getReason() + "), " + amount
                            + " cents; purchases suspended",
                    clock.instant());
            String reclaimed = paymentIntent != null
                            && store.workspaceOfPaymentIntent(paymentIntent).isPresent()
                    ? reclaim(workspaceId, paymentIntent, amount, "stripe:" + disputeId, "dispute " + disputeId)
                    : "no credits of this charge recorded";
            return "dispute flagged, purchases suspended; " + reclaimed;
        });
    }

    /**
     * Takes back the share of a payment's credits that {@code amountCents} (refunded or disputed, cumulative) is of
     * its amount, as far as it was not taken back already and as far as the workspace still has spendable credits. What
     * was already spent is recorded as the payment's shortfall and flagged for admins.
     */
    private String reclaim(String workspaceId, String paymentIntent, long amountCents, String reference, String why) {
        BillingStore.PaymentRow payment = store.paymentByIntentForUpdate(paymentIntent)
                .orElseThrow(() -> new RetryLater("payment " + paymentIntent + " not recorded"));
        long share = reclaimShare(payment.credits(), payment.amountCents(), amountCents);
        long target = Math.max(share, payment.reclaimAsked());
        long asked = target - payment.reclaimAsked();
        if (asked <= 0) {
            return "nothing more to take back";
        }
        LedgerEntry entry = credits.clawback(new Clawback(workspaceId, asked, reference, "stripe", why));
        long taken = -entry.credits();
        store.updateReclaim(payment.id(), target, payment.reclaimed() + taken);
        if (taken < asked) {
            store.flag(
                    workspaceId,
                    "REFUND_SHORTFALL",
                    "shortfall:" + reference,
                    (asked - taken) + " of " + asked + " credits to take back after " + why + " had already been spent",
                    clock.instant());
        }
        return "took back " + taken + " of " + asked + " credits";
    }

    /**
     * The credits a refund or dispute of {@code amountCents} (cumulative) takes back of a payment of {@code paidCents}
     * that bought {@code credits}: the same share of the credits as of the money, rounded up, so a refund never leaves
     * a fraction of a credit that no money pays for; never more than the credits. A payment of no money (or a negative
     * amount) is taken back whole.
     */
    static long reclaimShare(long credits, long paidCents, long amountCents) {
        return paidCents <= 0
                ? credits
                : Math.min(
                        credits,
                        Math.ceilDiv(Math.multiplyExact(credits, Math.min(amountCents, paidCents)), paidCents));
    }

    // --- helpers

    private Optional<String> workspaceOfCustomer(String customerId) {
        if (customerId == null) {
            return Optional.empty();
        }
        Optional<String> known = store.workspaceOfCustomer(customerId);
        if (known.isPresent()) {
            return known;
        }
        // A customer made here but not recorded (the insert after Stripe's answer failed): its metadata says whose.
        var customer = stripe.customer(customerId);
        return existingWorkspace(
                        customer.getMetadata() == null
                                ? null
                                : customer.getMetadata().get("workspace_id"))
                .filter(workspaceId -> store.saveCustomer(workspaceId, customerId, clock.instant())
                        .equals(customerId));
    }

    private Optional<String> existingWorkspace(String workspaceId) {
        return workspaceId == null
                ? Optional.empty()
                : accounts.workspace(workspaceId).map(com.imagegate.account.WorkspaceSummary::id);
    }

    private static String subscriptionOf(Invoice invoice) {
        if (invoice.getParent() == null || invoice.getParent().getSubscriptionDetails() == null) {
            return null;
        }
        return invoice.getParent().getSubscriptionDetails().getSubscription();
    }

    private static String paymentIntentOf(Invoice invoice) {
        if (invoice.getPayments() == null || invoice.getPayments().getData() == null) {
            return null;
        }
        for (InvoicePayment payment : invoice.getPayments().getData()) {
            if (payment.getPayment() != null && payment.getPayment().getPaymentIntent() != null) {
                return payment.getPayment().getPaymentIntent();
            }
        }
        return null;
    }

    private static String text(JsonNode node) {
        return node == null || !node.isString() || node.asString().isBlank() ? null : node.asString();
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
        } catch (java.time.format.DateTimeParseException e) {
            return fallback;
        }
    }
}
