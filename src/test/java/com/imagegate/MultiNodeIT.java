package com.imagegate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.AppNode;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two nodes, one database, one image folder: tasks go round-robin through both, one node is killed (SIGKILL) while it
 * renders, and every task still ends once-charged; the rate limit counts both nodes; a session made on one node works
 * on the other; the survivor logs JSON with task ids and drains on SIGTERM.
 */
class MultiNodeIT {

    static final Pattern SECRET = Pattern.compile("ig_live_[0-9A-Za-z]{43}");
    static final int PER_MINUTE = 8;

    final List<AppNode> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(AppNode::close);
    }

    @Test
    void tasksSurviveANodeKilledMidRenderAndAreChargedOnce() throws Exception {
        TestDatabase server = TestDatabase.get();
        String database = server.newDatabase();
        String jdbcUrl = server.jdbcUrl(database);
        var settings = Map.of(
                "spring.profiles.active",
                "mysql,json-logs",
                "spring.datasource.url",
                jdbcUrl,
                "spring.datasource.username",
                server.username(),
                "spring.datasource.password",
                server.password(),
                "imagegate.data-dir",
                Files.createTempDirectory("imagegate-shared").toString(),
                "imagegate.generation.sandbox.delay",
                "4s",
                "imagegate.generation.tasks.lease",
                "5s",
                "imagegate.plans.free.requests-per-minute",
                String.valueOf(PER_MINUTE),
                "imagegate.plans.free.concurrent-tasks",
                "100");
        // One after the other: the first creates the schema.
        AppNode a = start("node-a", settings);
        AppNode b = start("node-b", settings);

        // A session made on node A is good on node B.
        Http browserOnA = new Http(a.port());
        String email = "multi-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertThat(browserOnA
                        .submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        var created = browserOnA.submitForm("/app/keys", "/app/keys", Map.of("name", "multi", "mode", "live"));
        var secretMatch = SECRET.matcher(created.body());
        assertThat(secretMatch.find()).isTrue();
        String secret = secretMatch.group();
        String session = browserOnA.cookie("SESSION").orElseThrow();
        var dashboardOnB = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(b.baseUrl() + "/app"))
                                .header("Cookie", "SESSION=" + session)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(dashboardOnB.statusCode()).isEqualTo(200);
        assertThat(dashboardOnB.body()).contains(email);

        // An SDK's retry without an Idempotency-Key (X-Stainless-Retry-Count: 1) that the load balancer sends to the
        // other node waits for the first attempt's task: one task, charged once, the same image in both answers.
        Http sdkUser = new Http(b.port());
        String sdkEmail = "sdk-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        sdkUser.submitForm("/signup", "/signup", Map.of("email", sdkEmail, "password", "a-good-password"));
        var sdkKeyMatch =
                SECRET.matcher(sdkUser.submitForm("/app/keys", "/app/keys", Map.of("name", "sdk", "mode", "live"))
                        .body());
        assertThat(sdkKeyMatch.find()).isTrue();
        String sdkKey = sdkKeyMatch.group();
        String sdkBody = "{\"prompt\":\"A lighthouse retried on the other node\"}";
        var firstAttempt = HttpClient.newHttpClient()
                .sendAsync(dropIn(a, sdkKey, sdkBody, "0"), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count(
                                "select count(*) from image_tasks where prompt = 'A lighthouse retried on the other node'",
                                jdbcUrl,
                                server)
                        == 1);
        var retried =
                HttpClient.newHttpClient().send(dropIn(b, sdkKey, sdkBody, "1"), HttpResponse.BodyHandlers.ofString());
        var first = firstAttempt.get(60, TimeUnit.SECONDS);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(retried.headers().firstValue("x-imagegate-task-id"))
                .isPresent()
                .isEqualTo(first.headers().firstValue("x-imagegate-task-id"));
        assertThat(count(
                        "select count(*) from image_tasks where prompt = 'A lighthouse retried on the other node'",
                        jdbcUrl,
                        server))
                .isEqualTo(1);
        assertThat(ApiClient.json(new ApiClient(a.port()).get("/api/v1/account", sdkKey))
                        .at("/credits/balance")
                        .asLong())
                .isEqualTo(100 - 10);

        // A key revoked on node A is refused there at once, and on node B (which had just accepted it) within
        // imagegate.auth-cache-ttl (2 s).
        var doomedPage = browserOnA.submitForm("/app/keys", "/app/keys", Map.of("name", "doomed", "mode", "live"));
        var doomedMatch = SECRET.matcher(doomedPage.body());
        assertThat(doomedMatch.find()).isTrue();
        String doomed = doomedMatch.group();
        // Both nodes have just accepted it (and keep what they read for 2 s).
        assertThat(new ApiClient(a.port()).get("/api/v1/account", doomed).statusCode())
                .isEqualTo(200);
        assertThat(new ApiClient(b.port()).get("/api/v1/account", doomed).statusCode())
                .isEqualTo(200);
        String doomedId = text(
                "select id from api_keys where secret_hash = '"
                        + HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256")
                                        .digest(doomed.getBytes(StandardCharsets.UTF_8)))
                        + "'",
                jdbcUrl,
                server);
        assertThat(browserOnA
                        .submitForm("/app/keys", "/app/keys/" + doomedId + "/revoke", Map.of())
                        .statusCode())
                .isEqualTo(302);
        assertThat(new ApiClient(a.port()).get("/api/v1/account", doomed).statusCode())
                .isEqualTo(401);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        new ApiClient(b.port()).get("/api/v1/account", doomed).statusCode() == 401);

        // Password guesses spread over both nodes count into one throttle.
        for (int i = 0; i < 5; i++) {
            new Http(i % 2 == 0 ? a.port() : b.port())
                    .submitForm("/login", "/login", Map.of("username", email, "password", "a-wrong-guess-" + i));
        }
        var right = new Http(b.port())
                .submitForm("/login", "/login", Map.of("username", email, "password", "a-good-password"));
        assertThat(right.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?throttled"));

        // Eight tasks round-robin fill the plan's minute on both nodes together; a ninth is refused on either.
        // All creations in one rate window (one clock minute).
        await().atMost(Duration.ofSeconds(25)).until(() -> LocalTime.now().getSecond() <= 40);
        List<String> taskIds = new ArrayList<>();
        for (int i = 0; i < PER_MINUTE; i++) {
            AppNode node = i % 2 == 0 ? a : b;
            var accepted = create(node, secret, "Harbour at night " + i);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            taskIds.add(ApiClient.json(accepted).get("id").asString());
        }
        assertThat(create(a, secret, "one too many").statusCode()).isEqualTo(429);
        assertThat(create(b, secret, "one too many").statusCode()).isEqualTo(429);

        // Node A dies while it renders its tasks.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count("select count(*) from image_tasks where status =" + " 'PROCESSING'", jdbcUrl, server)
                        > 0);
        a.kill();

        for (String id : taskIds) {
            await().atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        var task = ApiClient.json(
                                new ApiClient(b.port()).get("/api/v1/images/tasks/" + id + "?wait=10", secret));
                        return "succeeded".equals(task.get("status").asString());
                    });
        }
        // Charged once each: one capture per task (and one for the SDK user's task), and the ledger agrees with the
        // balance.
        assertThat(count("select count(*) from credit_entry where kind = 'CAPTURE'", jdbcUrl, server))
                .isEqualTo(PER_MINUTE + 1);
        assertThat(count("select count(distinct reference) from credit_entry where kind = 'CAPTURE'", jdbcUrl, server))
                .isEqualTo(PER_MINUTE + 1);
        JsonNode account = ApiClient.json(new ApiClient(b.port()).get("/api/v1/account", secret));
        assertThat(account.get("credits").get("balance").asLong()).isEqualTo(100 - PER_MINUTE * 10L);
        var integrity = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port() + "/actuator/credits"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(JsonMapper.shared()
                        .readTree(integrity.body())
                        .get("consistent")
                        .asBoolean())
                .as(integrity.body())
                .isTrue();

        // The survivor's log is JSON, and the lines of a task's job name the task.
        List<JsonNode> lines = b.log()
                .lines()
                .filter(line -> line.startsWith("{"))
                .map(line -> JsonMapper.shared().readTree(line))
                .toList();
        assertThat(lines).isNotEmpty();
        assertThat(lines)
                .anySatisfy(
                        line -> assertThat(taskIds).contains(line.path("taskId").asString()));
        assertThat(b.log()).doesNotContain(secret);

        // Its metrics count what it did.
        String metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port() + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
                .contains("imagegate_tasks_accepted_total{")
                .containsPattern("imagegate_tasks_ended_total\\{[^}]*status=\"succeeded\"[^}]*} [1-9]")
                .contains("imagegate_tasks_queue_seconds_bucket{")
                .contains("imagegate_tasks_render_seconds_count{")
                .contains("imagegate_credits_total{movement=\"captured\"}");

        // SIGTERM: the node drains and exits by itself.
        b.stop(Duration.ofSeconds(60));
        assertThat(b.log()).contains("Graceful shutdown complete");
    }

    private AppNode start(String name, Map<String, String> settings) {
        AppNode node = AppNode.start(name, settings, Duration.ofSeconds(150));
        nodes.add(node);
        return node;
    }

    private static HttpResponse<String> create(AppNode node, String secret, String prompt) {
        return new ApiClient(node.port())
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + secret,
                        "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\",\"n\":1}");
    }

    private static String text(String sql, String jdbcUrl, TestDatabase server) throws Exception {
        try (var connection = DriverManager.getConnection(jdbcUrl, server.username(), server.password());
                var result = connection.createStatement().executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }

    /** A drop-in image request as the OpenAI SDK sends it: no Idempotency-Key, its retry number in a header. */
    private static HttpRequest dropIn(AppNode node, String key, String body, String retryCount) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/v1/images/generations"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .header("X-Stainless-Retry-Count", retryCount)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static long count(String sql, String jdbcUrl, TestDatabase server) throws Exception {
        try (var connection = DriverManager.getConnection(jdbcUrl, server.username(), server.password());
                var result = connection.createStatement().executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
