package com.imagegate.billing.internal;

import com.imagegate.billing.BillingProperties;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe's webhook endpoint, the receiver: the only door through which payments grant credits and refunds and disputes
 * take them back. It verifies, dedupes and runs each event in one transaction; {@link CheckoutEvents}, {@link
 * SubscriptionEvents}, {@link RefundEvents} and {@link TopUpEvents} work out what each family of events does.
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
            "charge.dispute.created",
            "payment_intent.succeeded",
            "payment_intent.payment_failed");

    private final BillingProperties.Stripe properties;
    private final BillingStore store;
    private final CheckoutEvents checkouts;
    private final SubscriptionEvents subscriptions;
    private final RefundEvents refunds;
    private final TopUpEvents topUps;
    private final Clock clock;
    private final TransactionTemplate transaction;

    StripeWebhooks(
            BillingProperties properties,
            BillingStore store,
            CheckoutEvents checkouts,
            SubscriptionEvents subscriptions,
            RefundEvents refunds,
            TopUpEvents topUps,
            Clock clock,
            PlatformTransactionManager transactions) {
        this.properties = properties.stripe();
        this.store = store;
        this.checkouts = checkouts;
        this.subscriptions = subscriptions;
        this.refunds = refunds;
        this.topUps = topUps;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    /** What the endpoint answers: 2xx done (or nothing to do), 400 refused for good, 503 Stripe should retry. */
    public record Result(int status, String message) {}

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
        EventStep step;
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
        } catch (RetryLater | DataIntegrityViolationException e) {
            log.warn("Stripe event {} ({}) not applied, Stripe will retry: {}", id, type, e.getMessage());
            return new Result(503, "Not applied yet.");
        }
    }

    private EventStep resolve(String type, String objectId) {
        return switch (type) {
            case "checkout.session.completed",
                    "checkout.session.async_payment_succeeded",
                    "checkout.session.async_payment_failed" -> checkouts.checkoutSession(type, objectId);
            case "invoice.paid" -> subscriptions.invoicePaid(objectId);
            case "invoice.payment_failed" -> subscriptions.invoicePaymentFailed(objectId);
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted" ->
                subscriptions.subscriptionChanged(objectId);
            case "charge.refunded" -> refunds.chargeRefunded(objectId);
            case "charge.dispute.created" -> refunds.disputeCreated(objectId);
            case "payment_intent.succeeded" -> topUps.paymentIntentSucceeded(objectId);
            case "payment_intent.payment_failed" -> topUps.paymentIntentFailed(objectId);
            default -> EventStep.nothing("ignored");
        };
    }

    private static String text(JsonNode node) {
        return node == null || !node.isString() || node.asString().isBlank() ? null : node.asString();
    }
}
