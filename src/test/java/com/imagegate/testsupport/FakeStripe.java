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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
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
        session.put("status", "complete");
        session.put("payment_status", "paid");
        session.put("payment_intent", intent);
        return (String) charge.get("id");
    }

    /**
     * The customer paid a subscription-mode Checkout: the subscription is active for a month from {@code now} and its
     * first invoice is paid.
     *
     * @return the invoice id
     */
    public String paySubscriptionCheckout(String sessionId, long now) {
        var session = objects.get(sessionId);
        var subscription = obj("subscription", next("sub"));
        subscription.put("customer", session.get("customer"));
        subscription.put("status", "active");
        subscription.put("cancel_at_period_end", false);
        subscription.put("metadata", session.get("subscription_metadata"));
        subscription.put("items", list(new ArrayList<>(List.of(item((String) session.get("price"), now)))));
        session.put("status", "complete");
        session.put("payment_status", "paid");
        session.put("subscription", subscription.get("id"));
        return invoice((String) subscription.get("id"), now, "subscription_create");
    }

    /** A new period starts at {@code now} and its invoice is paid; returns the invoice id. */
    public String renew(String subscriptionId, long now, String reason) {
        var subscription = objects.get(subscriptionId);
        var item = firstItem(subscription);
        item.put("current_period_start", now);
        item.put("current_period_end", now + Duration.ofDays(30).toSeconds());
        return invoice(subscriptionId, now, reason);
    }

    /** A renewal whose payment failed: the subscription is past due and the invoice open. */
    public String failRenewal(String subscriptionId, long now) {
        String invoiceId = renew(subscriptionId, now, "subscription_cycle");
        objects.get(invoiceId).put("status", "open");
        objects.get(subscriptionId).put("status", "past_due");
        return invoiceId;
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
            Object answer = route(method, path, form, idempotencyKey);
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
            respond(exchange, 200, "application/json", json(answer));
        }
    }

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
            session.put("metadata", metadata(form, "metadata"));
            session.put("subscription_metadata", metadata(form, "subscription_data[metadata]"));
            session.put("price", price);
            var priceObject = objects.get(price);
            session.put("amount_total", priceObject == null ? 0 : priceObject.get("unit_amount"));
            session.put("currency", "usd");
            session.put("status", "open");
            session.put("payment_status", "unpaid");
            session.put("payment_intent", null);
            session.put("subscription", null);
            session.put("url", baseUrl() + "/checkout/" + session.get("id"));
            return publicView(session);
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
            long now = Long.parseLong(form.getOrDefault("proration_date", String.valueOf(clockSeconds)));
            String price = form.get("items[0][price]");
            if (price != null) {
                var item = firstItem(subscription);
                item.put("price", objects.get(price));
                item.put("current_period_start", now);
                item.put("current_period_end", now + Duration.ofDays(30).toSeconds());
                subscription.put("latest_invoice", invoice(parts[2], now, "subscription_update"));
            }
            return subscription;
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

    private String invoice(String subscriptionId, long now, String reason) {
        var subscription = objects.get(subscriptionId);
        var item = firstItem(subscription);
        @SuppressWarnings("unchecked")
        var price = (Map<String, Object>) item.get("price");
        String intent = next("pi");
        var charge = obj("charge", next("ch"));
        charge.put("amount", price.get("unit_amount"));
        charge.put("amount_refunded", 0L);
        charge.put("refunded", false);
        charge.put("currency", "usd");
        charge.put("customer", subscription.get("customer"));
        charge.put("payment_intent", intent);
        var invoice = obj("invoice", next("in"));
        invoice.put("customer", subscription.get("customer"));
        invoice.put("status", "paid");
        invoice.put("billing_reason", reason);
        invoice.put("amount_paid", price.get("unit_amount"));
        invoice.put("currency", "usd");
        invoice.put("hosted_invoice_url", "https://invoice.stripe.test/" + invoice.get("id"));
        invoice.put(
                "parent",
                Map.of(
                        "type",
                        "subscription_details",
                        "subscription_details",
                        Map.of("subscription", subscriptionId, "metadata", Map.of())));
        invoice.put(
                "lines",
                list(new ArrayList<>(List.of(Map.of(
                        "id",
                        next("il"),
                        "object",
                        "line_item",
                        "amount",
                        price.get("unit_amount"),
                        "period",
                        Map.of("start", item.get("current_period_start"), "end", item.get("current_period_end")))))));
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
        return (String) invoice.get("id");
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
        objects.put(id, java.util.Collections.synchronizedMap(object));
        return objects.get(id);
    }

    private static Map<String, Object> publicView(Map<String, Object> object) {
        var view = new LinkedHashMap<>(object);
        view.remove("subscription_metadata");
        view.remove("price");
        view.remove("charge_id");
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
