package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.credits.Credits;
import com.imagegate.credits.EntryKind;
import com.imagegate.credits.HistoryQuery;
import com.imagegate.generation.internal.TaskJob;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** The async image API over real HTTP, with real keys, against MariaDB and the sandbox renderer. */
@MariaDbIntegrationTest(
        properties = {"imagegate.generation.sandbox.delay=700ms", "imagegate.plans.free.concurrent-tasks=3"})
class ImagesApiIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    Credits credits;

    @Autowired
    TaskJob taskJobs;

    ApiClient api() {
        return new ApiClient(port);
    }

    HttpResponse<String> create(String secret, String body, String... headers) {
        return api().send("POST", "/api/v1/images/generations", "Bearer " + secret, body, headers);
    }

    JsonNode poll(String secret, String id) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> ApiClient.json(api().get("/api/v1/images/tasks/" + id, secret)),
                        task -> !List.of("pending", "processing")
                                .contains(task.path("status").asString()));
    }

    long spendable(ApiUsers user) {
        return ApiClient.json(api().get("/api/v1/account", user.secret()))
                .path("credits")
                .path("balance")
                .asLong();
    }

    static BufferedImage download(String url, String expectedType) throws Exception {
        var response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains(expectedType);
        return ImageIO.read(new ByteArrayInputStream(response.body()));
    }

    @Test
    void theSeedsJavaScriptFlowPrintsAnImageUrlThatDownloads() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");

        var created = create(user.secret(), """
                {"model":"gpt-image-2","prompt":"A cinematic product photo of a matte black coffee bag on marble",
                 "size":"1536x1024","quality":"high","n":1}""");

        assertThat(created.statusCode()).isEqualTo(202);
        JsonNode task = ApiClient.json(created);
        assertThat(task.path("id").asString()).startsWith("task_");
        assertThat(task.path("object").asString()).isEqualTo("image.task");
        assertThat(task.path("status").asString()).isIn("pending", "processing");
        assertThat(task.path("credits").asInt()).isEqualTo(10);
        assertThat(task.path("data").isArray()).isTrue();
        assertThat(created.headers().firstValue("x-request-id")).isPresent();
        assertThat(created.headers().firstValue("x-ratelimit-limit-requests")).contains("10");
        assertThat(created.headers().firstValue("x-ratelimit-remaining-requests"))
                .contains("9");
        JsonNode done = poll(user.secret(), task.path("id").asString());
        assertThat(done.path("status").asString()).isEqualTo("succeeded");
        String url = done.path("data").get(0).path("url").asString();
        assertThat(url).contains("/files/").contains("sig=");
        BufferedImage image = download(url.replace("http://localhost:8080", "http://localhost:" + port), "image/png");
        assertThat(image.getWidth()).isEqualTo(1536);
        assertThat(image.getHeight()).isEqualTo(1024);
        assertThat(done.path("data").get(0).path("width").asInt()).isEqualTo(1536);
        assertThat(spendable(user)).isEqualTo(90);
    }

    @Test
    void thePythonFlowWithSeveralImagesInOtherFormats() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        for (String format : List.of("jpeg", "webp")) {
            var created = create(user.secret(), """
                    {"model":"gpt-image-2","prompt":"Premium skincare bottle on wet stone","size":"1024×1536",
                     "n":2,"output_format":"%s"}""".formatted(format));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(202);

            JsonNode done =
                    poll(user.secret(), ApiClient.json(created).path("id").asString());

            assertThat(done.path("status").asString()).isEqualTo("succeeded");
            assertThat(done.path("data")).hasSize(2);
            for (JsonNode item : done.path("data")) {
                BufferedImage image = download(
                        item.path("url").asString().replace("http://localhost:8080", "http://localhost:" + port),
                        "image/" + format);
                assertThat(image.getWidth()).isEqualTo(1024);
                assertThat(image.getHeight()).isEqualTo(1536);
            }
        }
        assertThat(spendable(user)).isEqualTo(60);
    }

    @Test
    void aTaskIsSeenProcessingBeforeItSucceeds() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String id = ApiClient.json(create(user.secret(), "{\"prompt\":\"slow enough to watch\"}"))
                .path("id")
                .asString();

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> ApiClient.json(api().get("/api/v1/images/tasks/" + id, user.secret()))
                                .path("status")
                                .asString(),
                        "processing"::equals);
        assertThat(poll(user.secret(), id).path("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void aFailedTaskRefundsItsCreditsExactlyOnce() {
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = ApiClient.json(create(user.secret(), "{\"prompt\":\"please [[fail]]\",\"n\":3}"))
                .path("id")
                .asString();
        JsonNode done = poll(user.secret(), id);

        assertThat(done.path("status").asString()).isEqualTo("failed");
        assertThat(done.path("credits_refunded").asBoolean()).isTrue();
        assertThat(done.path("error").path("code").asString()).isEqualTo("generation_failed");
        assertThat(done.path("error").path("message").asString()).isNotBlank();
        assertThat(spendable(user)).isEqualTo(100);
        assertThat(releasesOf(user, id)).isEqualTo(1);
    }

    @Test
    void cancelingRefundsOnceAndASecondCancelIsAConflict() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String id = ApiClient.json(create(user.secret(), "{\"prompt\":\"cancel me\"}"))
                .path("id")
                .asString();

        var canceled = api().send("POST", "/api/v1/images/tasks/" + id + "/cancel", "Bearer " + user.secret(), null);
        assertThat(canceled.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(canceled).path("status").asString()).isEqualTo("canceled");
        assertThat(ApiClient.json(canceled).path("credits_refunded").asBoolean())
                .isTrue();

        var again = api().send("POST", "/api/v1/images/tasks/" + id + "/cancel", "Bearer " + user.secret(), null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(ApiClient.json(again).path("error").path("code").asString()).isEqualTo("task_already_finished");

        // Whatever the renderer was doing, the cancel stands and nothing is charged.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(
                        () -> ApiClient.json(api().get("/api/v1/images/tasks/" + id, user.secret()))
                                .path("status")
                                .asString(),
                        "canceled"::equals);
        assertThat(spendable(user)).isEqualTo(100);
        assertThat(releasesOf(user, id)).isEqualTo(1);
    }

    @Test
    void anotherWorkspacesTaskIs404Everywhere() {
        var alice = ApiUsers.signUpWithKey(port, "live");
        var bob = ApiUsers.signUpWithKey(port, "live");
        String id = ApiClient.json(create(alice.secret(), "{\"prompt\":\"alice's\"}"))
                .path("id")
                .asString();

        var get = api().get("/api/v1/images/tasks/" + id, bob.secret());
        var cancel = api().send("POST", "/api/v1/images/tasks/" + id + "/cancel", "Bearer " + bob.secret(), null);
        var list = ApiClient.json(api().get("/api/v1/images/tasks", bob.secret()));

        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(ApiClient.json(get).path("error").path("code").asString()).isEqualTo("not_found");
        assertThat(cancel.statusCode()).isEqualTo(404);
        assertThat(list.path("data")).isEmpty();
        assertThat(poll(alice.secret(), id).path("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void listingPagesNewestFirstWithACursor() {
        var user = ApiUsers.signUpWithKey(port, "test");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = ApiClient.json(
                            create(user.secret(), "{\"prompt\":\"list " + i + "\",\"user\":\"u-" + i + "\"}"))
                    .path("id")
                    .asString();
            ids.add(id);
            poll(user.secret(), id);
        }

        JsonNode first = ApiClient.json(api().get("/api/v1/images/tasks?limit=2", user.secret()));
        assertThat(first.path("data")).extracting(t -> t.path("id").asString()).containsExactly(ids.get(2), ids.get(1));
        assertThat(first.path("has_more").asBoolean()).isTrue();
        JsonNode second = ApiClient.json(api().get(
                        "/api/v1/images/tasks?limit=2&after="
                                + first.path("next_cursor").asString(),
                        user.secret()));
        assertThat(second.path("data")).extracting(t -> t.path("id").asString()).containsExactly(ids.get(0));
        assertThat(second.path("has_more").asBoolean()).isFalse();
        JsonNode filtered = ApiClient.json(api().get("/api/v1/images/tasks?user=u-1", user.secret()));
        assertThat(filtered.path("data"))
                .extracting(t -> t.path("id").asString())
                .containsExactly(ids.get(1));
        assertThat(api().get("/api/v1/images/tasks?limit=101", user.secret()).statusCode())
                .isEqualTo(400);
        assertThat(api().get("/api/v1/images/tasks?after=garbage!", user.secret())
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void testKeysRenderInTheSandboxForFree() {
        var user = ApiUsers.signUpWithKey(port, "test");

        JsonNode task = ApiClient.json(create(user.secret(), "{\"prompt\":\"free\",\"size\":\"3824x2160\"}"));

        assertThat(task.path("credits").asInt()).isZero();
        assertThat(poll(user.secret(), task.path("id").asString())
                        .path("status")
                        .asString())
                .isEqualTo("succeeded");
        assertThat(spendable(user)).isEqualTo(100);
    }

    @Test
    void longPollReturnsAsSoonAsTheTaskEnds() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String id = ApiClient.json(create(user.secret(), "{\"prompt\":\"wait for me\"}"))
                .path("id")
                .asString();

        long started = System.nanoTime();
        JsonNode task = ApiClient.json(api().get("/api/v1/images/tasks/" + id + "?wait=20", user.secret()));
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(task.path("status").asString()).isEqualTo("succeeded");
        assertThat(tookMs)
                .as("returned when the task ended, well before the 20 s wait")
                .isLessThan(15_000);
        assertThat(api().get("/api/v1/images/tasks/" + id + "?wait=61", user.secret())
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void idempotencyKeyReplaysTheFirstTaskAndChargesOnce() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String body = "{\"prompt\":\"once\",\"n\":2}";

        JsonNode first = ApiClient.json(create(user.secret(), body, "Idempotency-Key", "order-42"));
        JsonNode replay = ApiClient.json(create(user.secret(), body, "Idempotency-Key", "order-42"));
        var conflict = create(user.secret(), "{\"prompt\":\"twice\",\"n\":2}", "Idempotency-Key", "order-42");

        assertThat(replay.path("id").asString()).isEqualTo(first.path("id").asString());
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(ApiClient.json(conflict).path("error").path("code").asString())
                .isEqualTo("idempotency_conflict");
        poll(user.secret(), first.path("id").asString());
        assertThat(spendable(user)).isEqualTo(80);
    }

    @Test
    void concurrentRequestsWithOneIdempotencyKeyMakeOneTask() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        List<Callable<String>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> ApiClient.json(create(user.secret(), "{\"prompt\":\"race\"}", "Idempotency-Key", "race-1"))
                    .path("id")
                    .asString());
        }
        Set<String> ids = new HashSet<>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (var f : pool.invokeAll(calls)) {
                ids.add(f.get());
            }
        }
        assertThat(ids).hasSize(1);
        poll(user.secret(), ids.iterator().next());
        assertThat(spendable(user)).isEqualTo(90);
    }

    @Test
    void aJobThatRunsAgainNeverChargesTwice() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        String id = ApiClient.json(create(user.secret(), "{\"prompt\":\"run me many times\"}"))
                .path("id")
                .asString();

        try (var pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                pool.submit(() -> taskJobs.run(id));
            }
        }
        poll(user.secret(), id);
        taskJobs.run(id);

        assertThat(spendable(user)).isEqualTo(90);
        var captures =
                credits.history(new HistoryQuery(workspaceOf(user), Set.of(EntryKind.CAPTURE), null, null, null, 50));
        assertThat(captures.entries()).hasSize(1);
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("select count(*) from task_images where task_id = ?", Integer.class, id))
                .isEqualTo(1);
    }

    static void assertError(HttpResponse<String> response, int status, String type, String code, String param) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = ApiClient.json(response).path("error");
        assertThat(error.path("type").asString()).isEqualTo(type);
        assertThat(error.path("code").asString()).isEqualTo(code);
        assertThat(error.path("message").asString()).isNotBlank().doesNotContain("Exception");
        if (param != null) {
            assertThat(error.path("param").asString()).isEqualTo(param);
        }
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void errorTable400s() {
        var user = ApiUsers.signUpWithKey(port, "live");
        assertError(
                create(user.secret(), "{\"prompt\":\"x\",\"size\":\"999x999\"}"),
                400,
                "invalid_request_error",
                "invalid_value",
                "size");
        assertError(
                create(user.secret(), "{\"n\":2}"),
                400,
                "invalid_request_error",
                "missing_required_parameter",
                "prompt");
        assertError(
                create(user.secret(), "{\"prompt\":\"x\",\"style\":\"vivid\"}"),
                400,
                "invalid_request_error",
                "unknown_parameter",
                "style");
        assertError(create(user.secret(), "{not json"), 400, "invalid_request_error", "invalid_json", null);
        assertThat(spendable(user)).as("bad requests change nothing").isEqualTo(100);
        assertThat(ApiClient.json(api().get("/api/v1/images/tasks", user.secret()))
                        .path("data"))
                .isEmpty();
    }

    @Test
    void referenceImagesOnThisMachineOrOurNetworkAreRefused() {
        var user = ApiUsers.signUpWithKey(port, "live");
        for (String url : List.of(
                "http://127.0.0.1:" + port + "/actuator/health",
                "http://localhost:" + port + "/img/logo.svg",
                "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.7/x.png")) {
            var response = create(user.secret(), "{\"prompt\":\"x\",\"image_urls\":[\"" + url + "\"]}");
            assertError(response, 400, "invalid_request_error", "invalid_value", "image_urls[0]");
        }
        assertThat(spendable(user)).isEqualTo(100);
    }

    @Test
    void callbackUrlsThatArePlainHttpOrOnOurNetworkAreRefusedAtRequestTime() {
        var user = ApiUsers.signUpWithKey(port, "live");
        for (String url : List.of(
                "http://example.com/hook", // https only (allow-http is a test-only setting, off here)
                "https://127.0.0.1:" + port + "/hook",
                "https://localhost/hook",
                "https://[::1]/hook",
                "https://[::ffff:10.0.0.1]/hook",
                "https://169.254.169.254/latest/meta-data/",
                "https://10.0.0.7/hook",
                "https://192.168.1.1/hook")) {
            var response = create(user.secret(), "{\"prompt\":\"x\",\"callback_url\":\"" + url + "\"}");
            assertError(response, 400, "invalid_request_error", "invalid_value", "callback_url");
        }
        assertThat(spendable(user)).as("refused requests change nothing").isEqualTo(100);
        assertThat(ApiClient.json(api().get("/api/v1/images/tasks", user.secret()))
                        .path("data"))
                .isEmpty();
    }

    @Test
    void errorTable401404413() {
        var user = ApiUsers.signUpWithKey(port, "live");
        assertError(
                create("ig_live_" + "x".repeat(43), "{\"prompt\":\"x\"}"),
                401,
                "invalid_request_error",
                "invalid_api_key",
                null);
        assertError(
                api().get("/api/v1/images/tasks/task_doesnotexist", user.secret()),
                404,
                "invalid_request_error",
                "not_found",
                null);
        String huge = "{\"prompt\":\"" + "p".repeat(1_100_000) + "\"}";
        assertError(create(user.secret(), huge), 413, "invalid_request_error", "payload_too_large", null);
        assertThat(spendable(user)).isEqualTo(100);
    }

    @Test
    void errorTable429s() {
        var user = ApiUsers.signUpWithKey(port, "live");
        var tooExpensive = create(user.secret(), "{\"prompt\":\"x\",\"size\":\"3824x2160\",\"n\":4}");
        assertError(tooExpensive, 429, "insufficient_quota", "insufficient_quota", null);
        assertThat(tooExpensive.headers().firstValue("x-should-retry")).contains("false");
        assertThat(spendable(user)).as("nothing reserved").isEqualTo(100);

        HttpResponse<String> last = null;
        for (int i = 0; i < 10; i++) {
            last = create(user.secret(), "{\"prompt\":\"[[fail]] burst " + i + "\"}");
        }
        assertThat(last.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
        var limited = create(user.secret(), "{\"prompt\":\"one too many\"}");
        assertError(limited, 429, "requests", "rate_limit_exceeded", null);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(ApiClient.json(limited).path("error").path("message").asString())
                .contains("per minute");
    }

    String workspaceOf(ApiUsers user) {
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ? and w.personal = true",
                        String.class,
                        user.email());
    }

    long releasesOf(ApiUsers user, String taskId) {
        return credits
                .history(new HistoryQuery(workspaceOf(user), Set.of(EntryKind.RELEASE), null, null, null, 50))
                .entries()
                .stream()
                .filter(e -> taskId.equals(e.reservation()) || e.reference().contains(taskId))
                .count();
    }
}
