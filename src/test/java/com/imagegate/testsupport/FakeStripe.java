package com.imagegate.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local stand-in for Stripe's API, speaking its wire format: form-encoded requests (the way stripe-java sends them)
 * and Stripe-shaped JSON objects. It keeps customers, Checkout sessions, subscriptions, invoices, charges, disputes and
 * prices in memory; tests move the state on (a Checkout paid, a renewal, a refund) and then deliver the events Stripe
 * would send, signed with the real {@code Stripe-Signature} scheme.
 */
public final class FakeStripe implements AutoCloseable {

    public static final String WEBHOOK_SECRET = "whsec_fake_0123456789abcdef";

    private final HttpServer server;
    private final AtomicLong ids = new AtomicLong(1000);
    private final Map<String, Map<String, Object>> objects = new ConcurrentHashMap<>();
    private final Map<String, String> idempotent = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    public FakeStripe() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        price("price_pro", "imagegate_pro_monthly", 2900, "month");
        price("price_max", "imagegate_max_monthly", 9900, "month");
        price("price_standard", "imagegate_standard_pack", 1000, null);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Method and path of every API call received, in order. */
    public List<String> requests() {
        return requests;
    }

    public Map<String, Object> object(String id) {
        return objects.get(id);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // --- what tests do to the account's state

    public void price(String id, String lookupKey, long cents, String interval) {
        var price = obj("price", id);
        price.put("lookup_key", lookupKey);
        price.put("unit_amount", cents);
        price.put("currency", "usd");
        price.put("active", true);
        price.put("type", interval == null ? "one_time" : "recurring");
        price.put("recurring", interval == null ? null : Map.of("interval", interval, "interval_count", 1));
    }

    /** The customer paid a payment-mode Checkout: a PaymentIntent and its charge now exist. */
    public String payPackCheckout(String sessionId) {
        var session = objects.get(sessionId);
        String intent = next("pi");
        var charge = obj("charge", next("ch"));
        charge.put("amount", session.get("amount_total"));
        charge.put("amount_refunded", 0L);
        charge.put("refunded", false);
        charge.put("currency", "usd");
        charge.put("customer", session.get("customer"));
        charge.put("payment_intent", intent);
        paidByCard(charge);
        session.put("status", "complete");
        session.put("payment_status", "paid");
        session.put("payment_intent", intent);
        return (String) charge.get("id");
    }

    /**
     * The customer paid a subscription-mode Checkout: the subscription is active for a month from {@code now} and its
     * first invoice (less any credit on the customer's balance) is paid.
     *
     * @return the invoice id
     */
    public String paySubscriptionCheckout(String sessionId, long now) {
        var session = objects.get(sessionId);
        var subscription = obj("subscription", next("sub"));
        subscription.put("customer", session.get("customer"));
        subscription.put("status", "active");
        subscription.put("cancel_at_period_end", false);
        subscription.put("schedule", null);
        subscription.put("pending_update", null);
        subscription.put("metadata", session.get("subscription_metadata"));
        subscription.put("items", list(new ArrayList<>(List.of(item((String) session.get("price"), now)))));
        session.put("status", "complete");
        session.put("payment_status", "paid");
        session.put("subscription", subscription.get("id"));
        String invoice = invoice(
                (String) subscription.get("id"), "subscription_create", List.of(periodLine(subscription)), true);
        subscription.put("latest_invoice", invoice);
        return invoice;
    }

    /**
     * The period ends at {@code now}: a subscription set to cancel at its end is canceled (no invoice, returns null); a
     * schedule's next phase takes over (a downgrade); otherwise a new period starts with its invoice, which carries
     * pending proration items and is paid from the customer's balance first, then by card. Returns the invoice id.
     */
    public String renew(String subscriptionId, long now, String reason) {
        var subscription = objects.get(subscriptionId);
        if (Boolean.TRUE.equals(subscription.get("cancel_at_period_end"))) {
            subscription.put("status", "canceled");
            return null;
        }
        var item = firstItem(subscription);
        String scheduleId = (String) subscription.get("schedule");
        if (scheduleId != null) {
            var schedule = objects.get(scheduleId);
            @SuppressWarnings("unchecked")
            var phases = (List<Map<String, Object>>) schedule.get("phases");
            if (phases.size() > 1) {
                item.put("price", objects.get((String) phases.get(1).get("price")));
            }
            schedule.put("status", "released");
            schedule.put("released_subscription", subscriptionId);
            subscription.put("schedule", null);
        }
        item.put("current_period_start", now);
        item.put("current_period_end", now + Duration.ofDays(30).toSeconds());
        List<Map<String, Object>> lines = new ArrayList<>();
        lines.add(periodLine(subscription));
        @SuppressWarnings("unchecked")
        var pending = (List<Map<String, Object>>) subscription.remove("pending_items");
        if (pending != null) {
            lines.addAll(pending);
        }
        String invoice = invoice(subscriptionId, reason, lines, true);
        subscription.put("latest_invoice", invoice);
        if (!"paid".equals(objects.get(invoice).get("status"))) {
            subscription.put("status", "past_due");
        } else if ("past_due".equals(subscription.get("status"))) {
            subscription.put("status", "active");
        }
        return invoice;
    }

    /** A renewal whose payment failed: the subscription is past due and the invoice open. */
    public String failRenewal(String subscriptionId, long now) {
        var customer = (String) objects.get(subscriptionId).get("customer");
        boolean declining = declines.contains(customer);
        declines.add(customer);
        try {
            return renew(subscriptionId, now, "subscription_cycle");
        } finally {
            if (!declining) {
                declines.remove(customer);
            }
        }
    }

    /** From now on the customer's card is declined ({@code true}) or accepted again. */
    public void declineCards(String customerId, boolean decline) {
        if (decline) {
            declines.add(customerId);
        } else {
            declines.remove(customerId);
        }
    }

    /** The customer pays an open invoice (after a failed attempt); returns whether it is paid now. */
    public boolean payOpenInvoice(String invoiceId) {
        var invoice = objects.get(invoiceId);
        if (!"open".equals(invoice.get("status")) || declines.contains((String) invoice.get("customer"))) {
            return false;
        }
        long due = ((Number) invoice.get("amount_due")).longValue();
        settle(invoice, due);
        var subscription = objects.get(subscriptionOf(invoice));
        if (subscription != null && "past_due".equals(subscription.get("status"))) {
            subscription.put("status", "active");
        }
        return true;
    }

    /** The customer's balance in cents: negative is credit that Stripe applies to the next invoices. */
    public long customerBalance(String customerId) {
        return ((Number) objects.get(customerId).getOrDefault("balance", 0L)).longValue();
    }

    /** Money actually charged to cards for an invoice (0 when the balance paid it). */
    public long moneyPaid(String invoiceId) {
        return ((Number) objects.get(invoiceId).get("amount_paid")).longValue();
    }

    public void setSubscription(String subscriptionId, String key, Object value) {
        objects.get(subscriptionId).put(key, value);
    }

    /** Refunds part (or all) of a charge, cumulatively, as Stripe's charge object shows it. */
    public void refund(String chargeId, long cents) {
        var charge = objects.get(chargeId);
        long refunded = ((Number) charge.get("amount_refunded")).longValue() + cents;
        charge.put("amount_refunded", refunded);
        charge.put("refunded", refunded >= ((Number) charge.get("amount")).longValue());
    }

    public String dispute(String chargeId) {
        var charge = objects.get(chargeId);
        charge.put("disputed", true);
        var dispute = obj("dispute", next("dp"));
        dispute.put("charge", chargeId);
        dispute.put("payment_intent", charge.get("payment_intent"));
        dispute.put("amount", charge.get("amount"));
        dispute.put("reason", "fraudulent");
        dispute.put("status", "needs_response");
        return (String) dispute.get("id");
    }

    /** The charge of an invoice's payment. */
    public String chargeOfInvoice(String invoiceId) {
        return (String) objects.get(invoiceId).get("charge_id");
    }

    /**
     * A change the customer makes in a Stripe-hosted page (a customer portal that allows plan switches): the same
     * update as {@code POST /v1/subscriptions/{id}}; returns the HTTP status Stripe would answer.
     */
    public int portalUpdate(String subscriptionId, Map<String, String> form) {
        try {
            updateSubscription(objects.get(subscriptionId), new LinkedHashMap<>(form));
            return 200;
        } catch (StripeError refused) {
            return refused.status;
        }
    }

    public String itemOf(String subscriptionId) {
        return (String) firstItem(objects.get(subscriptionId)).get("id");
    }

    public long periodEnd(String subscriptionId) {
        return ((Number) firstItem(objects.get(subscriptionId)).get("current_period_end")).longValue();
    }

    public List<String> invoicesOf(String customerId) {
        return ofCustomer("invoice", customerId);
    }

    public List<String> chargesOf(String customerId) {
        return ofCustomer("charge", customerId);
    }

    private List<String> ofCustomer(String type, String customerId) {
        return objects.values().stream()
                .filter(o -> type.equals(o.get("object")) && customerId != null && customerId.equals(o.get("customer")))
                .map(o -> (String) o.get("id"))
                .sorted()
                .toList();
    }

    public long chargeAmount(String chargeId) {
        return ((Number) objects.get(chargeId).get("amount")).longValue();
    }

    public long refunded(String chargeId) {
        return ((Number) objects.get(chargeId).get("amount_refunded")).longValue();
    }

    public long refundable(String chargeId) {
        return disputed(chargeId) ? 0 : chargeAmount(chargeId) - refunded(chargeId);
    }

    public boolean disputed(String chargeId) {
        return Boolean.TRUE.equals(objects.get(chargeId).get("disputed"));
    }

    // --- the card behind each charge (its fingerprint is the same for the same card number, whoever pays with it)

    private final Map<String, String> cardOfCustomer = new ConcurrentHashMap<>();

    /**
     * From now on the customer's charges are paid with the card of this fingerprint (by default every customer has a
     * card of its own, {@code fp_<customer id>}); two customers given the same fingerprint pay with the same card.
     */
    public void payWithCard(String customerId, String fingerprint) {
        cardOfCustomer.put(customerId, fingerprint);
    }

    /** The card fingerprint of a charge ({@code payment_method_details.card.fingerprint}). */
    public String cardFingerprint(String chargeId) {
        @SuppressWarnings("unchecked")
        var details = (Map<String, Object>) objects.get(chargeId).get("payment_method_details");
        @SuppressWarnings("unchecked")
        var card = (Map<String, Object>) details.get("card");
        return (String) card.get("fingerprint");
    }

    private void paidByCard(Map<String, Object> charge) {
        String customer = (String) charge.get("customer");
        String fingerprint = customer == null ? "fp_nobody" : cardOfCustomer.getOrDefault(customer, "fp_" + customer);
        var card = new LinkedHashMap<String, Object>();
        card.put("brand", "visa");
        card.put("last4", "4242");
        card.put("fingerprint", fingerprint);
        charge.put("status", "succeeded");
        charge.put("paid", true);
        charge.put("payment_method_details", Map.of("type", "card", "card", card));
    }

    // --- saved cards and off-session PaymentIntents (automatic top-up)

    /** What a saved card does when charged off-session. */
    public enum CardBehavior {
        /** The PaymentIntent succeeds at once. */
        SUCCEED,
        /** 402 {@code card_error}, code {@code card_declined}; the PaymentIntent is left requiring a payment method. */
        DECLINE,
        /** 402 {@code card_error}, code {@code authentication_required}, as Stripe answers off-session charges. */
        AUTHENTICATE,
        /** 200 with the PaymentIntent in {@code requires_action} (a bank asking for 3-D Secure). */
        REQUIRES_ACTION
    }

    private final Map<String, CardBehavior> cardBehaviors = new ConcurrentHashMap<>();
    private final Map<String, Raw> idempotentIntents = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> idempotentForms = new ConcurrentHashMap<>();
    private final List<Map<String, String>> intentPosts = new CopyOnWriteArrayList<>();

    /**
     * The customer completed a setup-mode Checkout with a card: a SetupIntent (succeeded) and a PaymentMethod attached to
     * the session's customer now exist. Returns the PaymentMethod's id.
     */
    public String completeSetupCheckout(String sessionId, String brand, String last4) {
        var session = objects.get(sessionId);
        if (!"setup".equals(session.get("mode"))) {
            throw new IllegalStateException(sessionId + " is not a setup-mode Checkout");
        }
        var method = obj("payment_method", next("pm"));
        method.put("type", "card");
        method.put("customer", session.get("customer"));
        var card = new LinkedHashMap<String, Object>();
        card.put("brand", brand);
        card.put("last4", last4);
        card.put("exp_month", 12);
        card.put("exp_year", 2030);
        method.put("card", card);
        var intent = obj("setup_intent", next("seti"));
        intent.put("status", "succeeded");
        intent.put("customer", session.get("customer"));
        intent.put("payment_method", method.get("id"));
        intent.put("usage", "off_session");
        intent.put("created", ids.incrementAndGet());
        intent.put("metadata", session.get("setup_intent_metadata"));
        session.put("status", "complete");
        session.put("setup_intent", intent.get("id"));
        cardBehaviors.put((String) method.get("id"), CardBehavior.SUCCEED);
        return (String) method.get("id");
    }

    /** From now on charging this saved card does {@code behavior}. */
    public void cardBehavior(String paymentMethodId, CardBehavior behavior) {
        cardBehaviors.put(paymentMethodId, behavior);
    }

    /** The form of every {@code POST /v1/payment_intents} received (replays included), with its idempotency key. */
    public List<Map<String, String>> paymentIntentPosts() {
        return intentPosts;
    }

    /** PaymentIntents that exist (one per distinct idempotency key). */
    public List<String> paymentIntents() {
        return objects.values().stream()
                .filter(o -> "payment_intent".equals(o.get("object")))
                .map(o -> (String) o.get("id"))
                .sorted()
                .toList();
    }

    /** A PaymentIntent left requiring action or a payment method now succeeds (the customer completed it). */
    public void succeedPaymentIntent(String paymentIntentId) {
        var intent = objects.get(paymentIntentId);
        intent.put("status", "succeeded");
        intent.put("last_payment_error", null);
        intent.put("amount_received", intent.get("amount"));
    }

    /**
     * {@code POST /v1/payment_intents} with {@code confirm=true}: the first request of an idempotency key decides and its
     * answer (a PaymentIntent, or a card error naming it) is kept; the same key again gets that same answer and
     * charges nothing; the same key with other parameters is refused (400 {@code idempotency_error}), as Stripe does.
     */
    private Object createPaymentIntent(Map<String, String> form, String idempotencyKey) {
        var posted = new LinkedHashMap<>(form);
        posted.put("Idempotency-Key", idempotencyKey);
        intentPosts.add(posted);
        if (idempotencyKey == null) {
            return decidePaymentIntent(form);
        }
        synchronized (idempotentIntents) {
            Raw kept = idempotentIntents.get(idempotencyKey);
            if (kept != null) {
                if (!idempotentForms.get(idempotencyKey).equals(form)) {
                    return new Raw(
                            400,
                            Map.of(
                                    "error",
                                    Map.of(
                                            "type",
                                            "idempotency_error",
                                            "message",
                                            "Keys for idempotent requests can only be used with the same parameters"
                                                    + " they were first used with.")));
                }
                return kept;
            }
            Raw answer = decidePaymentIntent(form);
            idempotentIntents.put(idempotencyKey, answer);
            idempotentForms.put(idempotencyKey, Map.copyOf(form));
            return answer;
        }
    }

    private Raw decidePaymentIntent(Map<String, String> form) {
        String methodId = form.get("payment_method");
        var method = methodId == null ? null : objects.get(methodId);
        if (method == null) {
            return new Raw(
                    400,
                    Map.of(
                            "error",
                            Map.of(
                                    "type",
                                    "invalid_request_error",
                                    "code",
                                    "resource_missing",
                                    "message",
                                    "No such PaymentMethod: '" + methodId + "'")));
        }
        if (!Objects.equals(method.get("customer"), form.get("customer"))) {
            return new Raw(
                    400,
                    Map.of(
                            "error",
                            Map.of(
                                    "type",
                                    "invalid_request_error",
                                    "message",
                                    "The provided PaymentMethod is not attached to this customer.")));
        }
        var intent = obj("payment_intent", next("pi"));
        intent.put("amount", Long.parseLong(form.get("amount")));
        intent.put("currency", form.get("currency"));
        intent.put("customer", form.get("customer"));
        intent.put("payment_method", methodId);
        intent.put("metadata", metadata(form, "metadata"));
        intent.put("off_session", form.get("off_session"));
        intent.put("amount_received", 0L);
        intent.put("last_payment_error", null);
        CardBehavior behavior = cardBehaviors.getOrDefault(methodId, CardBehavior.SUCCEED);
        switch (behavior) {
            case SUCCEED -> {
                var charge = obj("charge", next("ch"));
                charge.put("amount", intent.get("amount"));
                charge.put("amount_refunded", 0L);
                charge.put("refunded", false);
                charge.put("currency", intent.get("currency"));
                charge.put("customer", intent.get("customer"));
                charge.put("payment_intent", intent.get("id"));
                paidByCard(charge);
                intent.put("status", "succeeded");
                intent.put("amount_received", intent.get("amount"));
                intent.put("latest_charge", charge.get("id"));
                return new Raw(200, new LinkedHashMap<>(intent));
            }
            case REQUIRES_ACTION -> {
                intent.put("status", "requires_action");
                intent.put("next_action", Map.of("type", "use_stripe_sdk"));
                return new Raw(200, new LinkedHashMap<>(intent));
            }
            default -> {
                boolean decline = behavior == CardBehavior.DECLINE;
                var error = new LinkedHashMap<String, Object>();
                error.put("type", "card_error");
                error.put("code", decline ? "card_declined" : "authentication_required");
                if (decline) {
                    error.put("decline_code", "generic_decline");
                }
                error.put(
                        "message",
                        decline
                                ? "Your card was declined."
                                : "Your card was declined. This transaction requires authentication.");
                error.put("payment_method", Map.of("id", methodId, "object", "payment_method"));
                intent.put("status", "requires_payment_method");
                intent.put("last_payment_error", new LinkedHashMap<>(error));
                error.put("payment_intent", new LinkedHashMap<>(intent));
                return new Raw(402, Map.of("error", error));
            }
        }
    }

    // --- events, signed like Stripe signs them

    /** An event about an object, as Stripe's JSON; the object is the current state in this fake. */
    public String event(String eventId, String type, String objectId) {
        var event = new LinkedHashMap<String, Object>();
        event.put("id", eventId);
        event.put("object", "event");
        event.put("api_version", "2026-07-29.dahlia");
        event.put("created", System.currentTimeMillis() / 1000);
        event.put("livemode", false);
        event.put("type", type);
        event.put("data", Map.of("object", objects.getOrDefault(objectId, Map.of("id", objectId))));
        return json(event);
    }

    public String newEventId() {
        return next("evt");
    }

    /** {@code t=<seconds>,v1=<hex HMAC-SHA256 of "t.payload" with the secret>}, written out by hand. */
    public static String signature(String payload, String secret, long epochSeconds) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((epochSeconds + "." + payload).getBytes(StandardCharsets.UTF_8));
            return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Posts a signed event to the application's webhook endpoint, as Stripe delivers it. */
    public HttpResponse<String> deliver(int port, String payload, String signatureHeader) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/stripe"))
                            .header("Content-Type", "application/json; charset=utf-8")
                            .header("Stripe-Signature", signatureHeader)
                            .POST(HttpRequest.BodyPublishers.ofString(payload))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Builds, signs (with the application clock's time) and delivers an event about an object. */
    public HttpResponse<String> send(int port, Clock clock, String type, String objectId) {
        String payload = event(newEventId(), type, objectId);
        return deliver(
                port,
                payload,
                signature(payload, WEBHOOK_SECRET, clock.instant().getEpochSecond()));
    }

    // --- the HTTP side

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            requests.add(method + " " + path);
            Map<String, String> form = "POST".equals(method)
                    ? parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                    : parse(exchange.getRequestURI().getRawQuery());
            if (path.startsWith("/checkout/") || path.startsWith("/portal/")) {
                respond(
                        exchange,
                        200,
                        "text/html",
                        "<!DOCTYPE html><html><head><title>Fake Stripe Checkout</title>"
                                + "</head><body><h1>Fake Stripe</h1><p id=\"session\">" + path + "</p></body></html>");
                return;
            }
            String idempotencyKey = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            Object answer;
            try {
                answer = route(method, path, form, idempotencyKey);
            } catch (StripeError error) {
                respond(
                        exchange,
                        error.status,
                        "application/json",
                        json(Map.of("error", Map.of("type", "invalid_request_error", "message", error.getMessage()))));
                return;
            }
            if (answer == null) {
                respond(
                        exchange,
                        404,
                        "application/json",
                        json(Map.of(
                                "error",
                                Map.of(
                                        "type",
                                        "invalid_request_error",
                                        "code",
                                        "resource_missing",
                                        "message",
                                        "No such object: " + path))));
                return;
            }
            if (answer instanceof Raw raw) {
                respond(exchange, raw.status(), "application/json", json(raw.body()));
                return;
            }
            respond(exchange, 200, "application/json", json(answer));
        }
    }

    /** An answer with its own status, kept whole for an idempotent replay (Stripe replays errors too). */
    record Raw(int status, Object body) {}

    private Object route(String method, String path, Map<String, String> form, String idempotencyKey) {
        String[] parts = path.substring(1).split("/");
        if ("POST".equals(method) && path.equals("/v1/customers")) {
            if (idempotencyKey != null && idempotent.containsKey(idempotencyKey)) {
                return objects.get(idempotent.get(idempotencyKey));
            }
            var customer = obj("customer", next("cus"));
            customer.put("email", form.get("email"));
            customer.put("name", form.get("name"));
            customer.put("metadata", metadata(form, "metadata"));
            if (idempotencyKey != null) {
                idempotent.put(idempotencyKey, (String) customer.get("id"));
            }
            return customer;
        }
        if ("POST".equals(method) && path.equals("/v1/checkout/sessions")) {
            var session = obj("checkout.session", next("cs_test"));
            String price = form.get("line_items[0][price]");
            session.put("mode", form.get("mode"));
            session.put("customer", form.get("customer"));
            session.put("client_reference_id", form.get("client_reference_id"));
            session.put("success_url", form.get("success_url"));
            session.put("cancel_url", form.get("cancel_url"));
            session.put("allow_promotion_codes", form.get("allow_promotion_codes"));
            session.put("metadata", metadata(form, "metadata"));
            session.put("subscription_metadata", metadata(form, "subscription_data[metadata]"));
            session.put("price", price);
            var priceObject = price == null ? null : objects.get(price);
            session.put("amount_total", priceObject == null ? 0 : priceObject.get("unit_amount"));
            session.put("currency", "usd");
            session.put("status", "open");
            session.put("payment_status", "unpaid");
            session.put("payment_intent", null);
            session.put("subscription", null);
            session.put("setup_intent", null);
            session.put("setup_intent_metadata", metadata(form, "setup_intent_data[metadata]"));
            session.put("url", baseUrl() + "/checkout/" + session.get("id"));
            return publicView(session);
        }
        if ("POST".equals(method) && path.equals("/v1/payment_intents")) {
            return createPaymentIntent(form, idempotencyKey);
        }
        if ("POST".equals(method) && path.equals("/v1/billing_portal/sessions")) {
            var portal = obj("billing_portal.session", next("bps"));
            portal.put("customer", form.get("customer"));
            portal.put("return_url", form.get("return_url"));
            portal.put("url", baseUrl() + "/portal/" + portal.get("id"));
            return portal;
        }
        if ("GET".equals(method) && path.equals("/v1/prices")) {
            String lookupKey = form.get("lookup_keys[0]");
            List<Object> found = objects.values().stream()
                    .filter(o -> "price".equals(o.get("object")) && lookupKey != null)
                    .filter(o -> lookupKey.equals(o.get("lookup_key")))
                    .map(o -> (Object) o)
                    .toList();
            return list(new ArrayList<>(found));
        }
        if ("POST".equals(method) && parts.length == 3 && parts[1].equals("subscriptions")) {
            var subscription = objects.get(parts[2]);
            if (subscription == null) {
                return null;
            }
            return publicView(updateSubscription(subscription, form));
        }
        if ("POST".equals(method) && path.equals("/v1/invoices/create_preview")) {
            var subscription = objects.get(form.get("subscription"));
            if (subscription == null) {
                return null;
            }
            long date = Long.parseLong(form.getOrDefault("subscription_details[proration_date]", "" + clockSeconds));
            var lines = prorations(subscription, form.get("subscription_details[items][0][price]"), date);
            var preview = new LinkedHashMap<String, Object>();
            preview.put("object", "invoice");
            preview.put("customer", subscription.get("customer"));
            preview.put("currency", "usd");
            preview.put("billing_reason", "subscription_update");
            long total = lines.stream()
                    .mapToLong(l -> ((Number) l.get("amount")).longValue())
                    .sum();
            long balance = customerBalance((String) subscription.get("customer"));
            long applied = total > 0 && balance < 0 ? Math.min(total, -balance) : 0;
            preview.put("total", total);
            preview.put("total_excluding_tax", total);
            preview.put("subtotal", total);
            preview.put("amount_due", Math.max(0, total - applied));
            preview.put("amount_paid", 0L);
            preview.put("starting_balance", balance);
            preview.put("lines", list(new ArrayList<>(lines)));
            return preview;
        }
        if ("POST".equals(method) && path.equals("/v1/subscription_schedules")) {
            var subscription = objects.get(form.get("from_subscription"));
            if (subscription == null) {
                return null;
            }
            if (subscription.get("schedule") != null) {
                throw new StripeError(400, "The subscription is already attached to a schedule.");
            }
            var schedule = obj("subscription_schedule", next("sub_sched"));
            var item = firstItem(subscription);
            @SuppressWarnings("unchecked")
            var price = (Map<String, Object>) item.get("price");
            schedule.put("subscription", subscription.get("id"));
            schedule.put("customer", subscription.get("customer"));
            schedule.put("status", "active");
            schedule.put("end_behavior", "release");
            schedule.put(
                    "phases",
                    new ArrayList<>(List.of(Map.of(
                            "price", price.get("id"),
                            "start_date", item.get("current_period_start"),
                            "end_date", item.get("current_period_end")))));
            subscription.put("schedule", schedule.get("id"));
            return scheduleView(schedule);
        }
        if ("POST".equals(method) && parts.length == 3 && parts[1].equals("subscription_schedules")) {
            var schedule = objects.get(parts[2]);
            if (schedule == null) {
                return null;
            }
            var phases = new ArrayList<Map<String, Object>>();
            for (int i = 0; form.containsKey("phases[" + i + "][items][0][price]"); i++) {
                var phase = new LinkedHashMap<String, Object>();
                phase.put("price", form.get("phases[" + i + "][items][0][price]"));
                phase.put("start_date", form.get("phases[" + i + "][start_date]"));
                phase.put("end_date", form.get("phases[" + i + "][end_date]"));
                phases.add(phase);
            }
            if (!phases.isEmpty()) {
                schedule.put("phases", phases);
            }
            if (form.containsKey("end_behavior")) {
                schedule.put("end_behavior", form.get("end_behavior"));
            }
            return scheduleView(schedule);
        }
        if ("POST".equals(method)
                && parts.length == 4
                && parts[1].equals("subscription_schedules")
                && parts[3].equals("release")) {
            var schedule = objects.get(parts[2]);
            if (schedule == null) {
                return null;
            }
            schedule.put("status", "released");
            var subscription = objects.get((String) schedule.get("subscription"));
            if (subscription != null && schedule.get("id").equals(subscription.get("schedule"))) {
                subscription.put("schedule", null);
            }
            schedule.put("released_subscription", schedule.get("subscription"));
            return scheduleView(schedule);
        }
        if ("GET".equals(method) && path.equals("/v1/charges")) {
            String customer = form.get("customer");
            List<Object> found = objects.values().stream()
                    .filter(o -> "charge".equals(o.get("object")))
                    .filter(o -> customer == null || customer.equals(o.get("customer")))
                    .sorted(Comparator.comparing(o -> (String) o.get("id")))
                    .map(o -> (Object) new LinkedHashMap<>(o))
                    .toList();
            return list(new ArrayList<>(found));
        }
        if ("GET".equals(method) && parts.length == 3) {
            Object found = objects.get(parts[2]);
            return found == null ? null : publicView(objects.get(parts[2]));
        }
        if ("GET".equals(method) && parts.length == 4 && parts[1].equals("checkout")) {
            return objects.get(parts[3]) == null ? null : publicView(objects.get(parts[3]));
        }
        return null;
    }

    private volatile long clockSeconds = System.currentTimeMillis() / 1000;

    /** The time the fake takes as "now" for subscription changes made through its API. */
    public void now(long epochSeconds) {
        clockSeconds = epochSeconds;
    }

    /** Thrown by a route to answer with Stripe's error shape. */
    static final class StripeError extends RuntimeException {
        final int status;

        StripeError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final Set<String> declines = ConcurrentHashMap.newKeySet();

    /**
     * {@code POST /v1/subscriptions/{id}} as Stripe does it for what Imagegate and a customer portal send: {@code
     * cancel_at_period_end}, and a price change with {@code proration_behavior} (create_prorations: items for the next
     * invoice; always_invoice: invoiced now; none), {@code billing_cycle_anchor=now} (a new period from now, invoiced at
     * once; a negative total goes to the customer's balance and the invoice is paid) and {@code
     * payment_behavior=pending_if_incomplete} (the change is applied only if its invoice is paid).
     */
    private Map<String, Object> updateSubscription(Map<String, Object> subscription, Map<String, String> form) {
        if (form.containsKey("cancel_at_period_end")) {
            subscription.put("cancel_at_period_end", Boolean.parseBoolean(form.get("cancel_at_period_end")));
        }
        String price = form.get("items[0][price]");
        if (price == null) {
            return subscription;
        }
        if (subscription.get("schedule") != null) {
            throw new StripeError(
                    400,
                    "The subscription is managed by the subscription schedule " + subscription.get("schedule")
                            + ", and updating any cancelation behavior directly is not allowed.");
        }
        if (!"active".equals(subscription.get("status")) && !"trialing".equals(subscription.get("status"))) {
            throw new StripeError(400, "This subscription is " + subscription.get("status") + ".");
        }
        long date = Long.parseLong(form.getOrDefault("proration_date", String.valueOf(clockSeconds)));
        String behavior = form.getOrDefault("proration_behavior", "create_prorations");
        boolean pendingIfIncomplete = "pending_if_incomplete".equals(form.get("payment_behavior"));
        var item = firstItem(subscription);
        @SuppressWarnings("unchecked")
        var oldPrice = (Map<String, Object>) item.get("price");
        if ("now".equals(form.get("billing_cycle_anchor"))) {
            var lines = new ArrayList<Map<String, Object>>();
            if (!"none".equals(behavior)) {
                lines.add(line(
                        subscription,
                        oldPrice,
                        -prorated(oldPrice, item, date),
                        true,
                        date,
                        ((Number) item.get("current_period_end")).longValue()));
            }
            item.put("price", objects.get(price));
            item.put("current_period_start", date);
            item.put("current_period_end", date + Duration.ofDays(30).toSeconds());
            lines.add(periodLine(subscription));
            subscription.put(
                    "latest_invoice", invoice((String) subscription.get("id"), "subscription_update", lines, true));
            return subscription;
        }
        var lines = "none".equals(behavior) ? List.<Map<String, Object>>of() : prorations(subscription, price, date);
        if ("always_invoice".equals(behavior) && !lines.isEmpty()) {
            String invoice = invoice((String) subscription.get("id"), "subscription_update", lines, true);
            subscription.put("latest_invoice", invoice);
            if (pendingIfIncomplete && !"paid".equals(objects.get(invoice).get("status"))) {
                objects.get(invoice).put("status", "void");
                subscription.put("pending_update", Map.of("expires_at", date + 23 * 3600));
                return subscription;
            }
        } else if (!lines.isEmpty()) {
            @SuppressWarnings("unchecked")
            var pending = (List<Map<String, Object>>)
                    subscription.computeIfAbsent("pending_items", k -> new ArrayList<Map<String, Object>>());
            pending.addAll(lines);
        }
        subscription.put("pending_update", null);
        item.put("price", objects.get(price));
        return subscription;
    }

    /** The proration lines of moving the subscription to {@code newPrice} at {@code date}, within its period. */
    private List<Map<String, Object>> prorations(Map<String, Object> subscription, String newPrice, long date) {
        var item = firstItem(subscription);
        @SuppressWarnings("unchecked")
        var oldPrice = (Map<String, Object>) item.get("price");
        var next = objects.get(newPrice);
        long end = ((Number) item.get("current_period_end")).longValue();
        return List.of(
                line(subscription, oldPrice, -prorated(oldPrice, item, date), true, date, end),
                line(subscription, next, prorated(next, item, date), true, date, end));
    }

    /** Stripe's proration: the price times the unused share of the period, to the second, rounded. */
    private static long prorated(Map<String, Object> price, Map<String, Object> item, long date) {
        long start = ((Number) item.get("current_period_start")).longValue();
        long end = ((Number) item.get("current_period_end")).longValue();
        long unused = Math.max(0, Math.min(end - start, end - date));
        return Math.round(((Number) price.get("unit_amount")).longValue() * (double) unused / (end - start));
    }

    private Map<String, Object> periodLine(Map<String, Object> subscription) {
        var item = firstItem(subscription);
        @SuppressWarnings("unchecked")
        var price = (Map<String, Object>) item.get("price");
        return line(
                subscription,
                price,
                ((Number) price.get("unit_amount")).longValue(),
                false,
                ((Number) item.get("current_period_start")).longValue(),
                ((Number) item.get("current_period_end")).longValue());
    }

    private Map<String, Object> line(
            Map<String, Object> subscription,
            Map<String, Object> price,
            long amount,
            boolean proration,
            long start,
            long end) {
        var details = new LinkedHashMap<String, Object>();
        details.put("subscription", subscription.get("id"));
        details.put("subscription_item", firstItem(subscription).get("id"));
        details.put("proration", proration);
        details.put("invoice_item", proration ? next("ii") : null);
        var line = new LinkedHashMap<String, Object>();
        line.put("id", next("il"));
        line.put("object", "line_item");
        line.put("amount", amount);
        line.put("currency", "usd");
        line.put("period", Map.of("start", start, "end", end));
        line.put(
                "pricing",
                Map.of(
                        "type",
                        "price_details",
                        "price_details",
                        Map.of("price", price.get("id"), "product", "prod_fake")));
        line.put("parent", Map.of("type", "subscription_item_details", "subscription_item_details", details));
        return line;
    }

    /**
     * An invoice of the subscription for these lines, finalized and paid as Stripe does it: a negative total goes to
     * the customer's credit balance (the invoice is paid, nothing charged); otherwise the balance pays first and the
     * card the rest; a declined card leaves the invoice open.
     */
    private String invoice(String subscriptionId, String reason, List<Map<String, Object>> lines, boolean charge) {
        var subscription = objects.get(subscriptionId);
        String customerId = (String) subscription.get("customer");
        var customer = objects.get(customerId);
        long total = lines.stream()
                .mapToLong(l -> ((Number) l.get("amount")).longValue())
                .sum();
        long balance = customerBalance(customerId);
        var invoice = obj("invoice", next("in"));
        invoice.put("customer", customerId);
        invoice.put("billing_reason", reason);
        invoice.put("currency", "usd");
        invoice.put("subtotal", total);
        invoice.put("total", total);
        invoice.put("total_excluding_tax", total);
        invoice.put("starting_balance", balance);
        invoice.put("hosted_invoice_url", "https://invoice.stripe.test/" + invoice.get("id"));
        invoice.put(
                "parent",
                Map.of(
                        "type",
                        "subscription_details",
                        "subscription_details",
                        Map.of("subscription", subscriptionId, "metadata", Map.of())));
        invoice.put("lines", list(new ArrayList<>(lines)));
        invoice.put("payments", list(new ArrayList<>()));
        invoice.put("amount_paid", 0L);
        long due;
        if (total <= 0) {
            balance += total;
            due = 0;
        } else {
            long applied = balance < 0 ? Math.min(total, -balance) : 0;
            balance += applied;
            due = total - applied;
        }
        if (customer != null) {
            customer.put("balance", balance);
        }
        invoice.put("ending_balance", balance);
        invoice.put("amount_due", due);
        invoice.put("amount_remaining", due);
        invoice.put("status", "open");
        if (due == 0) {
            invoice.put("status", "paid");
        } else if (charge && !declines.contains(customerId)) {
            settle(invoice, due);
        }
        return (String) invoice.get("id");
    }

    /** The card pays {@code due}: a PaymentIntent and its charge exist, the invoice is paid. */
    private void settle(Map<String, Object> invoice, long due) {
        String intent = next("pi");
        var charge = obj("charge", next("ch"));
        charge.put("amount", due);
        charge.put("amount_refunded", 0L);
        charge.put("refunded", false);
        charge.put("currency", "usd");
        charge.put("customer", invoice.get("customer"));
        charge.put("payment_intent", intent);
        paidByCard(charge);
        invoice.put("status", "paid");
        invoice.put("amount_paid", due);
        invoice.put("amount_remaining", 0L);
        invoice.put(
                "payments",
                list(new ArrayList<>(List.of(Map.of(
                        "id",
                        next("inpay"),
                        "object",
                        "invoice_payment",
                        "status",
                        "paid",
                        "payment",
                        Map.of("type", "payment_intent", "payment_intent", intent))))));
        invoice.put("charge_id", charge.get("id"));
    }

    @SuppressWarnings("unchecked")
    private static String subscriptionOf(Map<String, Object> invoice) {
        var parent = (Map<String, Object>) invoice.get("parent");
        return (String) ((Map<String, Object>) parent.get("subscription_details")).get("subscription");
    }

    private static Map<String, Object> scheduleView(Map<String, Object> schedule) {
        var view = new LinkedHashMap<>(schedule);
        @SuppressWarnings("unchecked")
        var phases = (List<Map<String, Object>>) schedule.get("phases");
        view.put(
                "phases",
                phases.stream()
                        .map(phase -> {
                            var out = new LinkedHashMap<String, Object>();
                            out.put(
                                    "start_date",
                                    phase.get("start_date") == null
                                            ? null
                                            : Long.valueOf(
                                                    phase.get("start_date").toString()));
                            out.put(
                                    "end_date",
                                    phase.get("end_date") == null
                                            ? null
                                            : Long.valueOf(phase.get("end_date").toString()));
                            out.put("items", List.of(Map.of("price", phase.get("price"), "quantity", 1)));
                            return (Object) out;
                        })
                        .toList());
        return view;
    }

    private Map<String, Object> item(String priceId, long now) {
        var item = new LinkedHashMap<String, Object>();
        item.put("id", next("si"));
        item.put("object", "subscription_item");
        item.put("price", objects.get(priceId));
        item.put("quantity", 1);
        item.put("current_period_start", now);
        item.put("current_period_end", now + Duration.ofDays(30).toSeconds());
        return item;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstItem(Map<String, Object> subscription) {
        var items = (Map<String, Object>) subscription.get("items");
        return (Map<String, Object>) ((List<Object>) items.get("data")).get(0);
    }

    private Map<String, Object> obj(String type, String id) {
        var object = new LinkedHashMap<String, Object>();
        object.put("id", id);
        object.put("object", type);
        object.put("livemode", false);
        object.put("created", System.currentTimeMillis() / 1000);
        object.put("metadata", Map.of());
        objects.put(id, Collections.synchronizedMap(object));
        return objects.get(id);
    }

    private static Map<String, Object> publicView(Map<String, Object> object) {
        var view = new LinkedHashMap<>(object);
        view.remove("subscription_metadata");
        view.remove("setup_intent_metadata");
        view.remove("price");
        view.remove("charge_id");
        view.remove("pending_items");
        return view;
    }

    private static Map<String, Object> list(List<Object> data) {
        var list = new LinkedHashMap<String, Object>();
        list.put("object", "list");
        list.put("data", data);
        list.put("has_more", false);
        list.put("url", "/v1/list");
        return list;
    }

    private String next(String prefix) {
        return prefix + "_" + Long.toString(ids.incrementAndGet(), 36) + "fake";
    }

    private static Map<String, String> metadata(Map<String, String> form, String prefix) {
        var metadata = new LinkedHashMap<String, String>();
        form.forEach((key, value) -> {
            if (key.startsWith(prefix + "[") && key.endsWith("]") && key.indexOf('[', prefix.length() + 1) < 0) {
                metadata.put(key.substring(prefix.length() + 1, key.length() - 1), value);
            }
        });
        return metadata;
    }

    private static Map<String, String> parse(String encoded) {
        var form = new LinkedHashMap<String, String>();
        if (encoded == null || encoded.isEmpty()) {
            return form;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    private static String json(Object value) {
        return JsonMapper.shared().writeValueAsString(value);
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Request-Id", "req_fake");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
