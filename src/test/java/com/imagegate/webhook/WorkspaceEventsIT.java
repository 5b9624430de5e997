package com.imagegate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.billing.TopUpFailed;
import com.imagegate.billing.TopUpSucceeded;
import com.imagegate.credits.BalanceAlerts;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.webhook.WebhooksIT.Received;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Workspace endpoints and their events, delivered to a real local receiver (a JDK HTTP server) that checks every
 * signature with the receiver's side of Standard Webhooks ({@link WebhooksIT#verifies}): what an endpoint subscribes
 * to arrives, and nothing else; retries and resend; one event per crossing under 20 concurrent creations; the admin
 * refund and the auto top-up records; tenant isolation and refused input on every page and action.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.fetch.allow-private-hosts=true",
            "imagegate.webhooks.allow-http=true",
            "imagegate.webhooks.timeout=1s",
            "imagegate.webhooks.backoff-base=200ms",
            "imagegate.webhooks.max-endpoints=3",
            "imagegate.generation.prices.standard=10",
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=1000",
            "imagegate.generation.sandbox.delay=0ms",
            "imagegate.bootstrap.admin-email=events-operator@example.com",
            "imagegate.bootstrap.admin-password=admin-console-password-1"
        })
class WorkspaceEventsIT {

    static final Pattern SECRET = Pattern.compile("whsec_[A-Za-z0-9+/=]+");
    static final Pattern KEY = Pattern.compile("ig_(live|test)_[0-9A-Za-z]{43}");

    static final Map<String, List<Received>> RECEIVED = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    static final HttpServer RECEIVER = startReceiver();

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    Webhooks webhooks;

    @Autowired
    BalanceAlerts alerts;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    TransactionTemplate transactions;

    @AfterAll
    static void stopReceiver() {
        RECEIVER.stop(0);
    }

    /** {@code /ok/*} answers 204; {@code /flaky/*} 500, then 503, then 200 and 200 after; {@code /down/*} 500. */
    static HttpServer startReceiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                byte[] body = exchange.getRequestBody().readAllBytes();
                Map<String, String> headers = new HashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
                RECEIVED.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                        .add(new Received(Instant.now(), headers, body));
                int call = CALLS.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                int status;
                if (path.startsWith("/flaky/")) {
                    status = call == 1 ? 500 : call == 2 ? 503 : 200;
                } else if (path.startsWith("/down/")) {
                    status = 500;
                } else {
                    status = 204;
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String receiver(String kind) {
        return "http://127.0.0.1:" + RECEIVER.getAddress().getPort() + "/" + kind + "/" + UUID.randomUUID();
    }

    static List<Received> received(String url) {
        String path = url.substring(url.indexOf('/', "http://".length()));
        return RECEIVED.getOrDefault(path, List.of());
    }

    static List<Received> awaitRequests(String url, int count) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> received(url), r -> r.size() >= count);
    }

    /** Exactly {@code count} requests arrive, and no more for a while (a wrongly sent one would come within it). */
    static List<Received> exactly(String url, int count) {
        if (count > 0) {
            awaitRequests(url, count);
        }
        await().during(Duration.ofMillis(2_000))
                .atMost(Duration.ofSeconds(5))
                .until(() -> received(url).size() == count);
        return received(url);
    }

    record Account(Http browser, String key, String workspaceId, String email) {

        String secret() {
            Matcher m = SECRET.matcher(browser.get("/app/keys").body());
            assertThat(m.find()).as("webhook secret shown on the keys page").isTrue();
            return m.group();
        }
    }

    Account signUp() {
        Http http = new Http(port);
        String email = "events-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertThat(http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        var created = http.submitForm("/app/keys", "/app/keys", Map.of("name", "events", "mode", "live"));
        Matcher key = KEY.matcher(created.body());
        assertThat(key.find()).isTrue();
        return new Account(http, key.group(), workspaceOf(email), email);
    }

    String workspaceOf(String email) {
        return jdbc().queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ?",
                        String.class,
                        email);
    }

    JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    HttpResponse<String> saveEndpoint(Account account, String action, String url, String types, boolean enabled) {
        Map<String, String> form =
                new HashMap<>(Map.of("url", url, "description", "test endpoint", "eventTypes", types));
        if (enabled) {
            form.put("enabled", "true");
        }
        return account.browser().submitForm("/app/webhooks", action, form);
    }

    /** Adds an endpoint through the form; its id. */
    String addEndpoint(Account account, String url, String types, boolean enabled) {
        var response = saveEndpoint(account, "/app/webhooks/endpoints", url, types, enabled);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return jdbc().queryForObject(
                        "select id from webhook_endpoints where workspace_id = ? and url = ?",
                        String.class,
                        account.workspaceId(),
                        url);
    }

    HttpResponse<String> createTask(String key, String prompt) {
        return new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + key,
                        "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\"}");
    }

    String task(String key, String prompt) {
        var response = createTask(key, prompt);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return ApiClient.json(response).path("id").asString();
    }

    long endpointCount(String workspaceId) {
        return jdbc().queryForObject(
                        "select count(*) from webhook_endpoints where workspace_id = ?", Long.class, workspaceId);
    }

    @Test
    void subscribedEventsArriveSignedAndUnsubscribedOrDisabledEndpointsGetNothing() {
        Account account = signUp();
        String tasks = receiver("ok");
        String alertsOnly = receiver("ok");
        String disabled = receiver("ok");
        addEndpoint(account, tasks, "task.succeeded,task.failed", true);
        addEndpoint(account, alertsOnly, "balance.low", true);
        addEndpoint(account, disabled, "task.succeeded,task.failed", false);

        String succeeded = task(account.key(), "a harbour");
        String failed = task(account.key(), "[[fail]] please");

        List<Received> requests = exactly(tasks, 2);
        String secret = account.secret();
        assertThat(requests).allSatisfy(r -> {
            assertThat(WebhooksIT.verifies(secret, r))
                    .as("signed with the workspace secret")
                    .isTrue();
            assertThat(WebhooksIT.verifies("whsec_" + Base64.getEncoder().encodeToString(new byte[32]), r))
                    .isFalse();
            assertThat(r.header("webhook-id")).startsWith("evt_");
            assertThat(Math.abs(Long.parseLong(r.header("webhook-timestamp"))
                            - Instant.now().getEpochSecond()))
                    .isLessThan(60);
        });
        Map<String, JsonNode> byType = new HashMap<>();
        requests.forEach(r -> byType.put(r.json().path("type").asString(), r.json()));
        assertThat(byType).containsOnlyKeys("task.succeeded", "task.failed");
        JsonNode ok = byType.get("task.succeeded");
        assertThat(Instant.parse(ok.path("timestamp").asString())).isBefore(Instant.now());
        assertThat(ok.path("data").path("id").asString()).isEqualTo(succeeded);
        assertThat(ok.path("data").path("status").asString()).isEqualTo("succeeded");
        assertThat(ok.path("data").path("data").get(0).path("url").asString()).contains("/files/");
        JsonNode bad = byType.get("task.failed");
        assertThat(bad.path("data").path("id").asString()).isEqualTo(failed);
        assertThat(bad.path("data").path("error").path("code").asString()).isNotBlank();

        exactly(alertsOnly, 0);
        exactly(disabled, 0);
        // The log shows the two deliveries, per event type.
        String log = account.browser().get("/app/webhooks").body();
        assertThat(log).contains("task.succeeded").contains("task.failed").contains(succeeded);
    }

    @Test
    void aFailingEndpointIsRetriedWithBackoffAndResendSendsTheSameWebhookIdAgain() {
        Account account = signUp();
        String url = receiver("flaky");
        String endpoint = addEndpoint(account, url, "task.succeeded", true);
        String other = addEndpoint(account, receiver("ok"), "task.succeeded", true);

        task(account.key(), "a storm");

        List<Received> requests = awaitRequests(url, 3);
        String eventId = requests.getFirst().header("webhook-id");
        assertThat(requests).allSatisfy(r -> assertThat(r.header("webhook-id")).isEqualTo(eventId));
        String deliveryId = jdbc().queryForObject(
                        "select id from webhook_deliveries where endpoint_id = ?", String.class, endpoint);
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> jdbc().queryForObject(
                                        "select status from webhook_deliveries where id = ?", String.class, deliveryId),
                        "SUCCEEDED"::equals);
        var attempts = jdbc().queryForList(
                        "select status_code, next_retry_at from webhook_attempts where delivery_id = ? order by attempt",
                        deliveryId);
        assertThat(attempts).extracting(a -> a.get("status_code")).containsExactly(500, 503, 200);
        assertThat(attempts.get(0).get("next_retry_at")).isNotNull();
        assertThat(attempts.get(1).get("next_retry_at")).isNotNull();
        assertThat(attempts.get(2).get("next_retry_at")).isNull();
        long firstWait =
                Duration.between(requests.get(0).at(), requests.get(1).at()).toMillis();
        assertThat(firstWait).as("waited the backoff").isGreaterThanOrEqualTo(150);
        String page = account.browser().get("/app/webhooks/" + deliveryId).body();
        assertThat(page)
                .contains("HTTP 500")
                .contains("HTTP 503")
                .contains("HTTP 200")
                .contains(eventId);
        // The other endpoint got the same event, under the same webhook-id, in a delivery of its own.
        assertThat(jdbc().queryForObject(
                                "select message_id from webhook_deliveries where endpoint_id = ?", String.class, other))
                .isEqualTo(eventId);

        var resent = account.browser()
                .submitForm("/app/webhooks/" + deliveryId, "/app/webhooks/" + deliveryId + "/resend", Map.of());
        assertThat(resent.statusCode()).isEqualTo(302);
        Received again = awaitRequests(url, 4).get(3);
        assertThat(again.header("webhook-id")).isEqualTo(eventId);
        assertThat(WebhooksIT.verifies(account.secret(), again)).isTrue();
        assertThat(again.json().path("type").asString()).isEqualTo("task.succeeded");
        var copies = jdbc().queryForList(
                        "select id, resend_of from webhook_deliveries where endpoint_id = ? order by created_at",
                        endpoint);
        assertThat(copies).hasSize(2);
        assertThat(copies.get(1).get("resend_of")).isEqualTo(deliveryId);
        String resendId = (String) copies.get(1).get("id");
        assertThat(resent.headers().firstValue("Location").orElseThrow()).endsWith("/app/webhooks/" + resendId);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> account.browser().get("/app/webhooks/" + resendId).body(), b -> b.contains(">succeeded<"));

        // The log filtered to this endpoint shows both deliveries and not the other endpoint's.
        String otherDelivery =
                jdbc().queryForObject("select id from webhook_deliveries where endpoint_id = ?", String.class, other);
        String filtered =
                account.browser().get("/app/webhooks?endpoint=" + endpoint).body();
        assertThat(filtered).contains(deliveryId).contains(resendId).doesNotContain(otherDelivery);
        assertThat(account.browser().get("/app/webhooks").body()).contains(otherDelivery);
    }

    @Test
    void anotherWorkspacesEndpointAndDeliveryAreNotFoundOnEveryPageAndAction() {
        Account owner = signUp();
        String url = receiver("ok");
        String endpoint = addEndpoint(owner, url, "task.succeeded", true);
        task(owner.key(), "private");
        awaitRequests(url, 1);
        String deliveryId = jdbc().queryForObject(
                        "select id from webhook_deliveries where endpoint_id = ?", String.class, endpoint);

        Account stranger = signUp();
        Http browser = stranger.browser();
        assertThat(browser.get("/app/webhooks/endpoints/" + endpoint).statusCode())
                .isEqualTo(404);
        assertThat(browser.get("/app/webhooks?endpoint=" + endpoint).statusCode())
                .isEqualTo(404);
        assertThat(browser.get("/app/webhooks/" + deliveryId).statusCode()).isEqualTo(404);
        assertThat(saveEndpoint(stranger, "/app/webhooks/endpoints/" + endpoint, receiver("ok"), "balance.low", false)
                        .statusCode())
                .isEqualTo(404);
        assertThat(browser.submitForm("/app/webhooks", "/app/webhooks/endpoints/" + endpoint + "/delete", Map.of())
                        .statusCode())
                .isEqualTo(404);
        assertThat(browser.submitForm("/app/webhooks", "/app/webhooks/" + deliveryId + "/resend", Map.of())
                        .statusCode())
                .isEqualTo(404);
        assertThat(browser.get("/app/webhooks").body()).doesNotContain(endpoint).doesNotContain(deliveryId);

        // Nothing changed: the endpoint as it was, one delivery, one request.
        var row = jdbc().queryForMap("select url, event_types, enabled from webhook_endpoints where id = ?", endpoint);
        assertThat(row.get("url")).isEqualTo(url);
        assertThat(row.get("event_types")).isEqualTo("task.succeeded");
        assertThat(row.get("enabled")).isEqualTo(true);
        assertThat(jdbc().queryForObject(
                                "select count(*) from webhook_deliveries where endpoint_id = ?",
                                Integer.class,
                                endpoint))
                .isEqualTo(1);
        exactly(url, 1);
        assertThat(owner.browser().get("/app/webhooks/endpoints/" + endpoint).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aMemberSeesEndpointsAndTheLogButCannotChangeThemOrResend() {
        Account account = signUp();
        String url = receiver("ok");
        String endpoint = addEndpoint(account, url, "task.succeeded", true);
        task(account.key(), "seen by members");
        awaitRequests(url, 1);
        String deliveryId = jdbc().queryForObject(
                        "select id from webhook_deliveries where endpoint_id = ?", String.class, endpoint);
        // The owner becomes a plain member of their workspace.
        assertThat(jdbc().update(
                                "update memberships set role = 'MEMBER' where workspace_id = ?", account.workspaceId()))
                .isEqualTo(1);

        Http browser = account.browser();
        String list = browser.get("/app/webhooks").body();
        assertThat(list).contains(url).contains(deliveryId).doesNotContain("id=\"add-endpoint\"");
        assertThat(browser.get("/app/webhooks?endpoint=" + endpoint).statusCode())
                .isEqualTo(200);
        var page = browser.get("/app/webhooks/" + deliveryId);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("id=\"resend\"");
        assertThat(browser.get("/app/webhooks/endpoints/new").statusCode()).isEqualTo(403);
        assertThat(browser.get("/app/webhooks/endpoints/" + endpoint).statusCode())
                .isEqualTo(403);
        String csrf = browser.csrfToken("/app/webhooks");
        assertThat(browser.post(
                                "/app/webhooks/endpoints",
                                csrf,
                                Map.of("url", receiver("ok"), "eventTypes", "balance.low", "enabled", "true"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(browser.post(
                                "/app/webhooks/endpoints/" + endpoint,
                                csrf,
                                Map.of("url", receiver("ok"), "eventTypes", "balance.low"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(browser.post("/app/webhooks/endpoints/" + endpoint + "/delete", csrf, Map.of())
                        .statusCode())
                .isEqualTo(403);
        assertThat(browser.post("/app/webhooks/" + deliveryId + "/resend", csrf, Map.of())
                        .statusCode())
                .isEqualTo(403);

        assertThat(endpointCount(account.workspaceId())).isEqualTo(1);
        assertThat(jdbc().queryForObject(
                                "select event_types from webhook_endpoints where id = ?", String.class, endpoint))
                .isEqualTo("task.succeeded");
        assertThat(jdbc().queryForObject(
                                "select count(*) from webhook_deliveries where workspace_id = ?",
                                Integer.class,
                                account.workspaceId()))
                .isEqualTo(1);
        exactly(url, 1);
    }

    @Test
    void aTaskCallbackCanBeResentUnderItsOwnWebhookIdAndIsNoWorkspaceEvent() {
        Account account = signUp();
        String events = receiver("ok");
        addEndpoint(account, events, "task.succeeded,task.failed", true);
        String callback = receiver("ok");
        var created = new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + account.key(),
                        "{\"prompt\":\"a callback\",\"callback_url\":\"" + callback + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String taskId = ApiClient.json(created).path("id").asString();
        Received first = awaitRequests(callback, 1).getFirst();
        String deliveryId = first.header("webhook-id");
        assertThat(deliveryId).startsWith("whmsg_");
        assertThat(first.json().path("id").asString())
                .as("a callback's body is the task itself, as before")
                .isEqualTo(taskId);
        // The endpoint got the event, under another id (the event's), not the callback's.
        assertThat(awaitRequests(events, 1).getFirst().header("webhook-id")).startsWith("evt_");

        var resent = account.browser()
                .submitForm("/app/webhooks/" + deliveryId, "/app/webhooks/" + deliveryId + "/resend", Map.of());
        assertThat(resent.statusCode()).isEqualTo(302);
        Received again = exactly(callback, 2).get(1);
        assertThat(again.header("webhook-id")).isEqualTo(deliveryId);
        assertThat(again.json().path("id").asString()).isEqualTo(taskId);
        assertThat(WebhooksIT.verifies(account.secret(), again)).isTrue();
        exactly(events, 1);
    }

    @Test
    void aResendWithoutTheCsrfTokenIsRefusedAndSendsNothing() {
        Account account = signUp();
        String url = receiver("ok");
        String endpoint = addEndpoint(account, url, "task.succeeded", true);
        task(account.key(), "forged resend");
        awaitRequests(url, 1);
        String deliveryId = jdbc().queryForObject(
                        "select id from webhook_deliveries where endpoint_id = ?", String.class, endpoint);

        assertThat(account.browser()
                        .post("/app/webhooks/" + deliveryId + "/resend", "forged", Map.of())
                        .statusCode())
                .isEqualTo(403);

        exactly(url, 1);
        assertThat(jdbc().queryForObject(
                                "select count(*) from webhook_deliveries where endpoint_id = ?",
                                Integer.class,
                                endpoint))
                .isEqualTo(1);
    }

    @Test
    void disablingAnEndpointEndsItsPendingRetriesUnsentAndResendIsRefused() {
        Account account = signUp();
        String url = receiver("down");
        String endpoint = addEndpoint(account, url, "task.failed", true);
        task(account.key(), "[[fail]] nobody listens");
        awaitRequests(url, 2); // failing, being retried
        String deliveryId = jdbc().queryForObject(
                        "select id from webhook_deliveries where endpoint_id = ?", String.class, endpoint);

        var disabled = saveEndpoint(account, "/app/webhooks/endpoints/" + endpoint, url, "task.failed", false);
        assertThat(disabled.statusCode()).isEqualTo(302);

        await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> jdbc().queryForObject(
                                        "select status from webhook_deliveries where id = ?", String.class, deliveryId),
                        "FAILED"::equals);
        int sent = received(url).size();
        exactly(url, sent);
        assertThat(account.browser().get("/app/webhooks/" + deliveryId).body())
                .contains("the endpoint was disabled or deleted");

        var resend = account.browser()
                .submitForm("/app/webhooks/" + deliveryId, "/app/webhooks/" + deliveryId + "/resend", Map.of());
        assertThat(resend.statusCode()).isEqualTo(302);
        assertThat(account.browser().get("/app/webhooks/" + deliveryId).body()).contains("endpoint is disabled");
        assertThat(jdbc().queryForObject(
                                "select count(*) from webhook_deliveries where endpoint_id = ?",
                                Integer.class,
                                endpoint))
                .isEqualTo(1);
        exactly(url, sent);
    }

    @Test
    void badInputIsAClearFormErrorAndWritesNothing() {
        Account account = signUp();
        record Case(String url, String description, String types, String message) {}
        List<Case> cases = new ArrayList<>(List.of(
                new Case("not a url", "", "task.succeeded", "not a valid URL"),
                new Case("http//example.com", "", "task.succeeded", "must start with https://"),
                new Case("ftp://example.com/hook", "", "task.succeeded", "must start with https://"),
                new Case("", "", "task.succeeded", "Enter the URL"),
                new Case("https://example.com/" + "a".repeat(2048), "", "task.succeeded", "at most 2048 characters"),
                new Case("https://user:pw@example.com/hook", "", "task.succeeded", "without a user name"),
                new Case(receiver("ok"), "x".repeat(201), "task.succeeded", "at most 200 characters"),
                new Case(receiver("ok"), "", "task.exploded", "Unknown event type \"task.exploded\""),
                new Case(receiver("ok"), "", "", "Choose at least one event type")));
        for (Case c : cases) {
            Map<String, String> form = new HashMap<>(Map.of("url", c.url(), "description", c.description()));
            if (!c.types().isEmpty()) {
                form.put("eventTypes", c.types());
            }
            var response = account.browser().submitForm("/app/webhooks", "/app/webhooks/endpoints", form);
            assertThat(response.statusCode()).as(c.toString()).isEqualTo(422);
            assertThat(response.body()).as(c.toString()).contains(c.message().replace("\"", "&quot;"));
            assertThat(endpointCount(account.workspaceId())).as(c.toString()).isZero();
        }

        // The limit (3 in this test's settings): the fourth is refused.
        String first = addEndpoint(account, receiver("ok"), "balance.low", true);
        addEndpoint(account, receiver("ok"), "balance.low", true);
        addEndpoint(account, receiver("ok"), "balance.low", true);
        var fourth = saveEndpoint(account, "/app/webhooks/endpoints", receiver("ok"), "balance.low", true);
        assertThat(fourth.statusCode()).isEqualTo(422);
        assertThat(fourth.body()).contains("at most 3 endpoints");
        assertThat(endpointCount(account.workspaceId())).isEqualTo(3);

        // Concurrent additions cannot pass the limit either (another workspace, 10 at once, limit 3), each from a
        // browser session of its own (one session shared by parallel posts races on its own storage).
        Account racer = signUp();
        List<Http> sessions = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Http session = new Http(port);
            var signIn = session.submitForm(
                    "/login", "/login", Map.of("username", racer.email(), "password", "a-good-password"));
            assertThat(signIn.statusCode()).isEqualTo(302);
            sessions.add(session);
            tokens.add(session.csrfToken("/app/webhooks"));
        }
        var outcomes = Concurrently.run(
                10,
                i -> sessions.get(i)
                        .post(
                                "/app/webhooks/endpoints",
                                tokens.get(i),
                                Map.of("url", receiver("ok"), "eventTypes", "balance.low", "enabled", "true"))
                        .statusCode());
        assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
        assertThat(outcomes.stream().filter(o -> o.value() == 302))
                .as(outcomes.toString())
                .hasSize(3);
        assertThat(outcomes.stream().filter(o -> o.value() == 422)).hasSize(7);
        assertThat(endpointCount(racer.workspaceId())).isEqualTo(3);

        // An edit with a bad value changes nothing.
        var edit = saveEndpoint(account, "/app/webhooks/endpoints/" + first, "http//broken", "task.failed", false);
        assertThat(edit.statusCode()).isEqualTo(422);
        var row = jdbc().queryForMap("select event_types, enabled from webhook_endpoints where id = ?", first);
        assertThat(row.get("event_types")).isEqualTo("balance.low");
        assertThat(row.get("enabled")).isEqualTo(true);
        // A good edit (disable, other types) and a delete do their work.
        assertThat(saveEndpoint(account, "/app/webhooks/endpoints/" + first, receiver("ok"), "task.failed", false)
                        .statusCode())
                .isEqualTo(302);
        row = jdbc().queryForMap("select event_types, enabled from webhook_endpoints where id = ?", first);
        assertThat(row.get("event_types")).isEqualTo("task.failed");
        assertThat(row.get("enabled")).isEqualTo(false);
        assertThat(account.browser()
                        .submitForm("/app/webhooks", "/app/webhooks/endpoints/" + first + "/delete", Map.of())
                        .statusCode())
                .isEqualTo(302);
        assertThat(endpointCount(account.workspaceId())).isEqualTo(2);
    }

    @Test
    void twentyConcurrentCreationsCrossingTheLowBalanceThresholdSendOneBalanceLow() {
        Account account = signUp();
        String url = receiver("ok");
        addEndpoint(account, url, "balance.low", true);
        alerts.setThreshold(account.workspaceId(), 55L, "test");

        var outcomes = Concurrently.run(20, i -> createTask(account.key(), "race " + i));
        assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
        assertThat(outcomes.stream().filter(o -> o.value().statusCode() == 202)).hasSize(10);

        Received low = exactly(url, 1).getFirst();
        assertThat(WebhooksIT.verifies(account.secret(), low)).isTrue();
        JsonNode body = low.json();
        assertThat(body.path("type").asString()).isEqualTo("balance.low");
        assertThat(body.path("data").path("workspace_id").asString()).isEqualTo(account.workspaceId());
        assertThat(body.path("data").path("threshold").asLong()).isEqualTo(55);
        assertThat(body.path("data").path("balance").asLong()).isLessThan(55);
        assertThat(jdbc().queryForObject(
                                "select count(*) from webhook_deliveries where workspace_id = ? and event_type = ?",
                                Integer.class,
                                account.workspaceId(),
                                "balance.low"))
                .isEqualTo(1);
    }

    @Test
    void aKeyBudgetCrossing80And100PercentSendsOneBudgetReachedEach() {
        ApiUsers user = ApiUsers.signUpWithBudget(port, 100, "day");
        String workspaceId = workspaceOf(user.email());
        String url = receiver("ok");
        webhooks.createEndpoint(
                workspaceId, new EndpointRequest(url, "budgets", List.of("budget.reached", "balance.low"), true));

        var outcomes = Concurrently.run(20, i -> createTask(user.secret(), "budget " + i));
        assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
        assertThat(outcomes.stream().filter(o -> o.value().statusCode() == 202)).hasSize(10);

        List<Received> requests = exactly(url, 2);
        String secret = webhooks.secret(workspaceId).secret();
        assertThat(requests)
                .allSatisfy(r -> assertThat(WebhooksIT.verifies(secret, r)).isTrue());
        assertThat(requests).extracting(r -> r.json().path("type").asString()).containsOnly("budget.reached");
        assertThat(requests)
                .extracting(r -> r.json().path("data").path("level").asInt())
                .containsExactlyInAnyOrder(80, 100);
        assertThat(requests).allSatisfy(r -> {
            JsonNode data = r.json().path("data");
            assertThat(data.path("budget").asLong()).isEqualTo(100);
            assertThat(data.path("period").asString()).isEqualTo("day");
            assertThat(data.path("api_key_id").asString()).isNotBlank();
        });
        assertThat(requests).extracting(r -> r.header("webhook-id")).doesNotHaveDuplicates();
    }

    @Test
    void anAdminRefundSendsCreditsRefunded() {
        Account account = signUp();
        String url = receiver("ok");
        addEndpoint(account, url, "credits.refunded", true);
        String taskId = task(account.key(), "a refund");
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + taskId, account.key()))
                                .path("status")
                                .asString(),
                        "succeeded"::equals);
        exactly(url, 0);

        Http admin = new Http(port);
        var signIn = admin.submitForm(
                "/login",
                "/login",
                Map.of("username", "events-operator@example.com", "password", "admin-console-password-1"));
        assertThat(signIn.statusCode()).isEqualTo(302);
        var refund = admin.submitForm(
                "/admin/tasks/" + taskId, "/admin/tasks/" + taskId + "/refund", Map.of("reason", "Blurry"));
        assertThat(refund.statusCode()).isEqualTo(302);

        Received refunded = exactly(url, 1).getFirst();
        assertThat(WebhooksIT.verifies(account.secret(), refunded)).isTrue();
        JsonNode body = refunded.json();
        assertThat(body.path("type").asString()).isEqualTo("credits.refunded");
        assertThat(body.path("data").path("task_id").asString()).isEqualTo(taskId);
        assertThat(body.path("data").path("credits").asLong()).isEqualTo(10);
        assertThat(body.path("data").path("ledger_entry_id").asString()).isNotBlank();

        // A second refund is refused and sends nothing more.
        admin.submitForm("/admin/tasks/" + taskId, "/admin/tasks/" + taskId + "/refund", Map.of("reason", "Again"));
        exactly(url, 1);
    }

    @Test
    void topUpResultsPublishedInATransactionAreSentAndARolledBackOneIsNot() {
        Account account = signUp();
        String url = receiver("ok");
        addEndpoint(account, url, "topup.succeeded,topup.failed", true);
        Instant at = Instant.parse("2026-12-03T15:00:00Z");

        transactions.executeWithoutResult(status -> events.publishEvent(
                new TopUpSucceeded(account.workspaceId(), "topup_ok", "pack_small", 500, 900, "eur", 600, at)));
        transactions.executeWithoutResult(status -> events.publishEvent(new TopUpFailed(
                account.workspaceId(),
                "topup_declined",
                "pack_small",
                "card_declined",
                "Your card was declined.",
                3,
                true,
                at)));
        transactions.executeWithoutResult(status -> {
            events.publishEvent(new TopUpSucceeded(
                    account.workspaceId(), "topup_rolled_back", "pack_small", 500, 900, "eur", 600, at));
            status.setRollbackOnly();
        });

        List<Received> requests = exactly(url, 2);
        String secret = account.secret();
        assertThat(requests)
                .allSatisfy(r -> assertThat(WebhooksIT.verifies(secret, r)).isTrue());
        Map<String, JsonNode> byType = new HashMap<>();
        requests.forEach(r -> byType.put(r.json().path("type").asString(), r.json()));
        JsonNode ok = byType.get("topup.succeeded");
        assertThat(ok.path("timestamp").asString()).isEqualTo("2026-12-03T15:00:00Z");
        assertThat(ok.path("data").path("top_up_id").asString()).isEqualTo("topup_ok");
        assertThat(ok.path("data").path("credits").asLong()).isEqualTo(500);
        assertThat(ok.path("data").path("amount_cents").asLong()).isEqualTo(900);
        assertThat(ok.path("data").path("currency").asString()).isEqualTo("eur");
        assertThat(ok.path("data").path("balance_after").asLong()).isEqualTo(600);
        JsonNode failed = byType.get("topup.failed");
        assertThat(failed.path("data").path("reason").asString()).isEqualTo("card_declined");
        assertThat(failed.path("data").path("failures_in_a_row").asInt()).isEqualTo(3);
        assertThat(failed.path("data").path("paused").asBoolean()).isTrue();
    }
}
