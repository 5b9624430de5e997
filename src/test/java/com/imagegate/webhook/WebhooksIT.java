package com.imagegate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.TricklingServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Task webhooks delivered to a real local receiver (a JDK HTTP server), which checks every signature with its own
 * implementation of the Standard Webhooks scheme. Loopback and plain http are allowed here by test-only settings;
 * {@code ImagesApiIT} checks both are refused by default.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.fetch.allow-private-hosts=true",
            "imagegate.webhooks.allow-http=true",
            "imagegate.webhooks.timeout=1s",
            "imagegate.webhooks.backoff-base=200ms",
            "imagegate.generation.sandbox.delay=800ms"
        })
class WebhooksIT {

    static final Pattern SECRET = Pattern.compile("whsec_[A-Za-z0-9+/=]+");
    static final Pattern KEY = Pattern.compile("ig_(live|test)_[0-9A-Za-z]{43}");

    /** Every request the receiver got, per path. */
    static final Map<String, List<Received>> RECEIVED = new ConcurrentHashMap<>();

    static final TricklingServer TRICKLING = TricklingServer.start();

    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    static final HttpServer RECEIVER = startReceiver();

    record Received(Instant at, Map<String, String> headers, byte[] body) {

        String header(String name) {
            return headers.get(name);
        }

        JsonNode json() {
            return JsonMapper.shared().readTree(body);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @AfterAll
    static void stopReceiver() {
        RECEIVER.stop(0);
        TRICKLING.close();
    }

    /**
     * {@code /ok/*} answers 204; {@code /flaky/*} first answers too late (only once the sender has timed out and
     * retried), then 500, then 503, then 200; {@code /down/*} always 500.
     */
    static HttpServer startReceiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                byte[] body = exchange.getRequestBody().readAllBytes();
                Map<String, String> headers = new ConcurrentHashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
                RECEIVED.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                        .add(new Received(Instant.now(), headers, body));
                int call = CALLS.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                if (path.startsWith("/flaky/")) {
                    switch (call) {
                        case 1 -> {
                            // No answer until the sender has given up on this request (its 1 s timeout) and tried
                            // again: the retry's arrival, not a guessed pause, says the timeout happened.
                            await().atMost(Duration.ofSeconds(30))
                                    .pollInterval(Duration.ofMillis(50))
                                    .until(() -> CALLS.get(path).get() >= 2);
                            answer(exchange, 200);
                        }
                        case 2 -> answer(exchange, 500);
                        case 3 -> answer(exchange, 503);
                        default -> answer(exchange, 200);
                    }
                } else if (path.startsWith("/down/")) {
                    answer(exchange, 500);
                } else {
                    answer(exchange, 204);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void answer(HttpExchange exchange, int status) throws IOException {
        try {
            exchange.sendResponseHeaders(status, -1);
        } catch (IOException clientGone) {
            // the sender gave up waiting (the timeout case)
        }
        exchange.close();
    }

    static String receiver(String path) {
        return "http://127.0.0.1:" + RECEIVER.getAddress().getPort() + path + "/" + UUID.randomUUID();
    }

    static List<Received> received(String url) {
        String path = url.substring(url.indexOf('/', "http://".length()));
        return RECEIVED.getOrDefault(path, List.of());
    }

    /** A signed-up person: their browser session and a live API key. */
    record Account(Http browser, String key) {

        String secret() {
            Matcher m = SECRET.matcher(browser.get("/app/keys").body());
            assertThat(m.find()).as("webhook secret shown on the keys page").isTrue();
            return m.group();
        }
    }

    Account signUp() {
        Http http = new Http(port);
        String email = "hooks-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertThat(http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        var created = http.submitForm("/app/keys", "/app/keys", Map.of("name", "hooks", "mode", "live"));
        Matcher key = KEY.matcher(created.body());
        assertThat(key.find()).isTrue();
        return new Account(http, key.group());
    }

    HttpResponse<String> create(Account account, String prompt, String callback) {
        var response = new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + account.key(),
                        "{\"prompt\":\"%s\",\"callback_url\":\"%s\"}".formatted(prompt, callback));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return response;
    }

    static List<Received> awaitRequests(String url, int count) {
        return await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> received(url), r -> r.size() >= count);
    }

    /**
     * The receiver's side of Standard Webhooks, written from the spec (not with the production class): HMAC-SHA256
     * keyed with the base64-decoded part of {@code whsec_…}, over {@code id.timestamp.body}, base64, compared in
     * constant time against each space-separated {@code v1,} signature.
     */
    static boolean verifies(String secret, Received request) {
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            String signed = request.header("webhook-id") + "." + request.header("webhook-timestamp") + "."
                    + new String(request.body(), StandardCharsets.UTF_8);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = Base64.getEncoder().encode(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
            for (String candidate : request.header("webhook-signature").split(" ")) {
                String[] parts = candidate.split(",", 2);
                if (parts.length == 2
                        && parts[0].equals("v1")
                        && MessageDigest.isEqual(expected, parts[1].getBytes(StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    @Test
    void aSucceededTaskIsPostedToItsCallbackSignedWithTheWorkspaceSecret() {
        Account account = signUp();
        String url = receiver("/ok");
        String taskId =
                ApiClient.json(create(account, "a lighthouse", url)).path("id").asString();

        Received request = awaitRequests(url, 1).getFirst();

        String secret = account.secret();
        assertThat(verifies(secret, request))
                .as("signature verifies with the workspace secret")
                .isTrue();
        assertThat(verifies("whsec_" + Base64.getEncoder().encodeToString(new byte[32]), request))
                .as("and not with another secret")
                .isFalse();
        assertThat(request.header("webhook-id")).startsWith("whmsg_");
        long timestamp = Long.parseLong(request.header("webhook-timestamp"));
        assertThat(Math.abs(timestamp - Instant.now().getEpochSecond())).isLessThan(60);
        assertThat(request.header("content-type")).startsWith("application/json");

        JsonNode body = request.json();
        JsonNode fromApi = ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + taskId, account.key()));
        assertThat(body.path("id").asString()).isEqualTo(taskId);
        assertThat(body.path("object").asString()).isEqualTo("image.task");
        assertThat(body.path("status").asString()).isEqualTo("succeeded");
        assertThat(body.path("data").get(0).path("url").asString()).contains("/files/");
        assertThat(fieldNames(body)).isEqualTo(fieldNames(fromApi));
        for (String field : List.of("status", "credits", "n", "size", "quality", "output_format", "created_at")) {
            assertThat(body.path(field)).as(field).isEqualTo(fromApi.path(field));
        }

        String deliveryId = request.header("webhook-id");
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> account.browser()
                                .get("/app/webhooks/" + deliveryId)
                                .body(),
                        b -> b.contains(">succeeded<"));
        var page = account.browser().get("/app/webhooks");
        assertThat(page.body()).contains(deliveryId).contains(taskId).contains("HTTP 204");
        assertThat(jdbc().queryForObject(
                                "select count(*) from webhook_attempts where delivery_id = ?",
                                Integer.class,
                                deliveryId))
                .isEqualTo(1);
    }

    @Test
    void aReceiverThatFailsThreeTimesGetsFourAttemptsAndExactlyOneSuccess() {
        Account account = signUp();
        String url = receiver("/flaky");
        create(account, "a storm", url);

        List<Received> requests = awaitRequests(url, 4);
        String deliveryId = requests.getFirst().header("webhook-id");
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> jdbc().queryForObject(
                                        "select status from webhook_deliveries where id = ?", String.class, deliveryId),
                        "SUCCEEDED"::equals);
        // Nothing more arrives once it succeeded.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> received(url).size() == 4);

        String secret = account.secret();
        assertThat(received(url)).allSatisfy(r -> {
            assertThat(r.header("webhook-id")).as("one id across retries").isEqualTo(deliveryId);
            assertThat(verifies(secret, r)).isTrue();
        });
        var attempts = jdbc().queryForList(
                        "select attempt, status_code, error, next_retry_at from webhook_attempts where delivery_id = ?"
                                + " order by attempt",
                        deliveryId);
        assertThat(attempts).hasSize(4);
        assertThat(attempts.get(0).get("status_code"))
                .as("timed out: no answer")
                .isNull();
        assertThat((String) attempts.get(0).get("error")).contains("in time");
        assertThat(attempts.get(1).get("status_code")).isEqualTo(500);
        assertThat(attempts.get(2).get("status_code")).isEqualTo(503);
        assertThat(attempts.get(3).get("status_code")).isEqualTo(200);
        assertThat(attempts.subList(0, 3))
                .allSatisfy(a -> assertThat(a.get("next_retry_at")).isNotNull());
        assertThat(attempts.get(3).get("next_retry_at")).isNull();
        assertThat(jdbc().queryForObject(
                                "select count(*) from webhook_attempts where delivery_id = ? and status_code between 200 and 299",
                                Integer.class,
                                deliveryId))
                .isEqualTo(1);
        // Backoff grows: the waits before attempts 3 and 4 are longer than before attempt 2.
        long wait2 =
                Duration.between(requests.get(1).at(), requests.get(2).at()).toMillis();
        long wait3 =
                Duration.between(requests.get(2).at(), requests.get(3).at()).toMillis();
        assertThat(wait3).isGreaterThan(wait2);

        var page = account.browser().get("/app/webhooks/" + deliveryId).body();
        assertThat(page)
                .contains("HTTP 500")
                .contains("HTTP 503")
                .contains("HTTP 200")
                .contains("No answer");
    }

    @Test
    void aFailedTaskAndACanceledTaskAreDeliveredToo() {
        Account account = signUp();
        String failedUrl = receiver("/ok");
        create(account, "[[fail]] please", failedUrl);
        String canceledUrl = receiver("/ok");
        String canceled = ApiClient.json(create(account, "slow one", canceledUrl))
                .path("id")
                .asString();
        var cancel = new ApiClient(port)
                .send("POST", "/api/v1/images/tasks/" + canceled + "/cancel", "Bearer " + account.key(), "");
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);

        JsonNode failed = awaitRequests(failedUrl, 1).getFirst().json();
        assertThat(failed.path("status").asString()).isEqualTo("failed");
        assertThat(failed.path("error").path("code").asString()).isNotBlank();
        assertThat(failed.path("credits_refunded").asBoolean()).isTrue();

        Received canceledRequest = awaitRequests(canceledUrl, 1).getFirst();
        assertThat(canceledRequest.json().path("status").asString()).isEqualTo("canceled");
        assertThat(verifies(account.secret(), canceledRequest)).isTrue();
    }

    @Test
    void rotatingTheSecretChangesTheSignatureAndTheOldOneSignsDuringTheGrace() {
        Account account = signUp();
        String before = account.secret();
        String firstUrl = receiver("/ok");
        create(account, "first", firstUrl);
        Received first = awaitRequests(firstUrl, 1).getFirst();
        assertThat(first.header("webhook-signature").split(" ")).hasSize(1);

        var rotated = account.browser().submitForm("/app/keys", "/app/keys/webhook-secret/rotate", Map.of());
        assertThat(rotated.statusCode()).isEqualTo(302);
        String after = account.secret();
        assertThat(after).isNotEqualTo(before);

        String secondUrl = receiver("/ok");
        create(account, "second", secondUrl);
        Received second = awaitRequests(secondUrl, 1).getFirst();
        assertThat(verifies(after, second)).as("signed with the new secret").isTrue();
        assertThat(verifies(after, first))
                .as("the new secret did not sign before")
                .isFalse();
        String[] signatures = second.header("webhook-signature").split(" ");
        assertThat(signatures).hasSize(2);
        assertThat(verifies(before, second))
                .as("the old secret still signs during the grace period")
                .isTrue();
        assertThat(Arrays.stream(signatures).map(s -> s.substring(3)).distinct())
                .hasSize(2);
    }

    @Test
    void anotherWorkspaceCannotSeeTheDeliveries() {
        Account owner = signUp();
        String url = receiver("/down");
        create(owner, "private", url);
        String deliveryId = awaitRequests(url, 1).getFirst().header("webhook-id");

        Account stranger = signUp();
        assertThat(stranger.browser().get("/app/webhooks/" + deliveryId).statusCode())
                .isEqualTo(404);
        assertThat(stranger.browser().get("/app/webhooks").body()).doesNotContain(deliveryId);
        assertThat(owner.browser().get("/app/webhooks/" + deliveryId).statusCode())
                .isEqualTo(200);
        // A failing receiver stays pending with a next retry, shown to the owner.
        assertThat(owner.browser().get("/app/webhooks").body())
                .contains(deliveryId)
                .contains("HTTP 500");
    }

    /**
     * A receiver that sends its status line one byte every 500 ms never lets a single read wait past the timeout; the
     * attempt still ends at {@code imagegate.webhooks.timeout} (1 s here) as a whole, failed and due for a retry, so it
     * cannot outlive its claim.
     */
    @Test
    void aReceiverThatTricklesItsAnswerIsCutOffAtTheAttemptTimeout() {
        Account account = signUp();
        String taskId = ApiClient.json(create(account, "a trickle", TRICKLING.url("/trickle-head")))
                .path("id")
                .asString();

        var attempt = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> jdbc().queryForList(
                                        "select status_code, duration_ms, error, next_retry_at from webhook_attempts"
                                                + " where task_id = ? and attempt = 1",
                                        taskId),
                        rows -> !rows.isEmpty())
                .getFirst();

        assertThat(attempt.get("status_code")).isNull();
        assertThat((String) attempt.get("error"))
                .isEqualTo("Not delivered: the URL did not answer completely in time (1 s).");
        assertThat(((Number) attempt.get("duration_ms")).longValue()).isBetween(900L, 3000L);
        assertThat(attempt.get("next_retry_at")).isNotNull();
    }

    @Test
    void aDeliveryThatNeverSucceedsGivesUpOnceMaxAgeHasPassed() {
        Account account = signUp();
        String url = receiver("/down");
        create(account, "nobody listens", url);
        String deliveryId = awaitRequests(url, 1).getFirst().header("webhook-id");
        // As if the task had ended 25 hours ago: the next failure is the last. (The app may be recording the first
        // attempt on the same row at this moment: a deadlock victim here simply tries again.)
        await().atMost(Duration.ofSeconds(10))
                .ignoreException(CannotAcquireLockException.class)
                .until(() -> jdbc().update(
                                        "update webhook_deliveries set created_at = ? where id = ?",
                                        Timestamp.from(Instant.now().minus(Duration.ofHours(25))),
                                        deliveryId)
                        == 1);

        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> jdbc().queryForObject(
                                        "select status from webhook_deliveries where id = ?", String.class, deliveryId),
                        "FAILED"::equals);
        var last = jdbc().queryForMap(
                        "select next_attempt_at, finished_at, last_status_code from webhook_deliveries where id = ?",
                        deliveryId);
        assertThat(last.get("next_attempt_at")).isNull();
        assertThat(last.get("finished_at")).isNotNull();
        assertThat(last.get("last_status_code")).isEqualTo(500);
        int attempts = received(url).size();
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> received(url).size() == attempts);
        assertThat(account.browser().get("/app/webhooks/" + deliveryId).body()).contains(">failed<");
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>(node.propertyNames());
        names.sort(String::compareTo);
        return names;
    }
}
