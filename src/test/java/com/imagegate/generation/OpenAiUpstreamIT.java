package com.imagegate.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.credits.Credits;
import com.imagegate.credits.EntryKind;
import com.imagegate.credits.HistoryQuery;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.FakeOpenAiImages;
import com.imagegate.testsupport.FakeOpenAiImages.Step;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The {@code openai} provider end to end: real keys and tasks over the public API, MariaDB, the real ledger, and a
 * local fake of the OpenAI Images API that checks the exact request shapes OpenAI documents. Each test drives the fake
 * through a marker in its prompt and checks the task's end state, what the upstream saw, and the credits.
 *
 * <p>Configured through the single {@code base-url}/{@code api-key} settings (the default channel), one image per call
 * so n is split, a 2 s read timeout and a 5 s task deadline, short backoffs, and a failure threshold high enough that
 * the channel never cools down here ({@code UpstreamChannelsIT} covers cool-downs).
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.api-key=" + OpenAiUpstreamIT.KEY,
            "imagegate.generation.openai.max-images-per-call=1",
            "imagegate.generation.openai.read-timeout=2s",
            "imagegate.generation.openai.deadline=5s",
            "imagegate.generation.openai.max-attempts=4",
            "imagegate.generation.openai.initial-backoff=100ms",
            "imagegate.generation.openai.max-backoff=400ms",
            "imagegate.generation.openai.failure-threshold=1000",
            "imagegate.generation.openai.enhancement-prompt=ENHANCE-PROMPT upscale this",
            "imagegate.fetch.allow-private-hosts=true",
            "imagegate.generation.sandbox.delay=0ms",
            "imagegate.plans.free.requests-per-minute=100"
        })
class OpenAiUpstreamIT {

    static final String KEY = "sk-upstream-test-4f9a0c1e";
    static final FakeOpenAiImages UPSTREAM = FakeOpenAiImages.start(KEY);

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add(
                "imagegate.generation.openai.base-url", () -> UPSTREAM.baseUrl().toString());
    }

    @AfterAll
    static void stop() {
        UPSTREAM.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    Credits credits;

    @Autowired
    UpstreamChannels channels;

    @Autowired
    DataSource dataSource;

    ApiClient api() {
        return new ApiClient(port);
    }

    String create(ApiUsers user, String body) {
        var created = api().send("POST", "/api/v1/images/generations", "Bearer " + user.secret(), body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return ApiClient.json(created).path("id").asString();
    }

    JsonNode ended(ApiUsers user, String id) {
        return await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> ApiClient.json(api().get("/api/v1/images/tasks/" + id, user.secret())),
                        t -> !List.of("pending", "processing")
                                .contains(t.path("status").asString()));
    }

    long balance(ApiUsers user) {
        return ApiClient.json(api().get("/api/v1/account", user.secret()))
                .path("credits")
                .path("balance")
                .asLong();
    }

    List<LedgerEntry> entries(ApiUsers user, String taskId, EntryKind kind) {
        String workspace = new JdbcTemplate(dataSource)
                .queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ? and w.personal = true",
                        String.class,
                        user.email());
        return credits.history(new HistoryQuery(workspace, Set.of(kind), null, null, null, 50)).entries().stream()
                .filter(e -> taskId.equals(e.reservation()) || e.reference().contains(taskId))
                .toList();
    }

    BufferedImage download(JsonNode image, String contentType) throws Exception {
        String url = image.path("url").asString().replace("http://localhost:8080", "http://localhost:" + port);
        var response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains(contentType);
        return ImageIO.read(new ByteArrayInputStream(response.body()));
    }

    static void assertSafeError(JsonNode task) {
        String message = task.path("error").path("message").asString();
        assertThat(message)
                .isNotBlank()
                .doesNotContain(KEY)
                .doesNotContain("sk-u")
                .doesNotContain("org-secret");
        assertThat(message).doesNotContain("{").doesNotContain("safety system. If you believe");
    }

    @Test
    void aGenerationIsSentInOpenAisShapeAndItsBase64ImageIsStored() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, """
                {"model":"gpt-image-2","prompt":"b64-happy a red fox","size":"1536x1024","quality":"high",
                 "output_format":"jpeg","user":"end-user-7"}""");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("succeeded");
        BufferedImage image = download(done.path("data").get(0), "image/jpeg");
        assertThat(image.getWidth()).isEqualTo(1536);
        assertThat(image.getHeight()).isEqualTo(1024);
        var seen = UPSTREAM.requests("b64-happy");
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().path()).isEqualTo("/v1/images/generations");
        assertThat(seen.getFirst().fields())
                .containsOnlyKeys("model", "prompt", "n", "size", "quality", "output_format", "user")
                .containsAllEntriesOf(Map.of(
                        "model", "gpt-image-2-2026-04-21",
                        "prompt", "b64-happy a red fox",
                        "n", "1",
                        "size", "1536x1024",
                        "quality", "high",
                        "output_format", "jpeg"));
        // The end user goes up as a keyed hash of workspace and user, never as given (docs/operations.md).
        assertThat(seen.getFirst().fields().get("user")).startsWith("ig-").doesNotContain("end-user-7");
        assertThat(balance(user)).isEqualTo(90);
        assertThat(entries(user, id, EntryKind.CAPTURE)).hasSize(1);
        var attempts = channels.attempts(id);
        assertThat(attempts).hasSize(1);
        assertThat(attempts.getFirst().channel()).isEqualTo("default");
        assertThat(attempts.getFirst().endpoint()).isEqualTo("generations");
        assertThat(attempts.getFirst().statusCode()).isEqualTo(200);
        assertThat(attempts.getFirst().errorCode()).isNull();
        assertThat(attempts.getFirst().images()).isEqualTo(1);
    }

    @Test
    void anUpstreamThatAnswersWithAUrlIsDownloaded() throws Exception {
        UPSTREAM.script("url-answer", Step.url());
        var user = ApiUsers.signUpWithKey(port, "live");

        JsonNode done = ended(user, create(user, "{\"prompt\":\"url-answer\",\"output_format\":\"webp\"}"));

        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("succeeded");
        BufferedImage image = download(done.path("data").get(0), "image/webp");
        assertThat(image.getWidth()).isEqualTo(1024);
        assertThat(balance(user)).isEqualTo(90);
    }

    @Test
    void aSlowAnswerWithinTheReadTimeoutSucceedsFirstTime() {
        UPSTREAM.script("slow-answer", Step.slow(Duration.ofMillis(1200)));
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"slow-answer\"}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).isEqualTo("succeeded");
        assertThat(UPSTREAM.requests("slow-answer")).hasSize(1);
        assertThat(channels.attempts(id).getFirst().duration()).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
        assertThat(balance(user)).isEqualTo(90);
    }

    @Test
    void a429IsRetriedAfterItsRetryAfterThenSucceeds() {
        UPSTREAM.script(
                "rate-limited",
                Step.error(429, "requests", "rate_limit_exceeded", "retry-after", "1"),
                Step.error(429, "requests", "rate_limit_exceeded", "retry-after-ms", "700"),
                Step.ok());
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"rate-limited\"}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).isEqualTo("succeeded");
        var seen = UPSTREAM.requests("rate-limited");
        assertThat(seen).extracting(FakeOpenAiImages.Seen::status).containsExactly(429, 429, 200);
        // The backoff alone would be 50-400 ms; the waits are the upstream's retry-after (1 s) and retry-after-ms.
        assertThat(Duration.between(seen.get(0).answeredAt(), seen.get(1).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(Duration.between(seen.get(1).answeredAt(), seen.get(2).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(650));
        assertThat(channels.attempts(id))
                .extracting(ProviderAttempt::statusCode, ProviderAttempt::errorCode)
                .containsExactly(
                        Tuple.tuple(429, "upstream_rate_limited"),
                        Tuple.tuple(429, "upstream_rate_limited"),
                        Tuple.tuple(200, null));
        assertThat(balance(user)).isEqualTo(90);
    }

    @Test
    void a500IsRetriedThenSucceeds() {
        UPSTREAM.script("server-hiccup", Step.error(500, "server_error", null), Step.ok());
        var user = ApiUsers.signUpWithKey(port, "live");

        JsonNode done = ended(user, create(user, "{\"prompt\":\"server-hiccup\"}"));

        assertThat(done.path("status").asString()).isEqualTo("succeeded");
        assertThat(UPSTREAM.requests("server-hiccup"))
                .extracting(FakeOpenAiImages.Seen::status)
                .containsExactly(500, 200);
        assertThat(balance(user)).isEqualTo(90);
    }

    @Test
    void anUpstreamFailingForGoodFailsTheTaskAndRefundsItOnce() {
        UPSTREAM.script("always-500", Step.error(502, "server_error", null));
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"always-500\",\"n\":2}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).isEqualTo("failed");
        assertThat(done.path("error").path("code").asString()).isEqualTo("upstream_unavailable");
        assertThat(done.path("error").path("message").asString()).contains("HTTP 502");
        assertSafeError(done);
        assertThat(done.path("credits_refunded").asBoolean()).isTrue();
        // Two parts (n=2, one image per call), each tried max-attempts (4) times.
        assertThat(UPSTREAM.requests("always-500")).hasSize(8);
        assertThat(channels.attempts(id)).hasSize(8);
        assertThat(balance(user)).isEqualTo(100);
        assertThat(entries(user, id, EntryKind.RELEASE)).hasSize(1);
        assertThat(entries(user, id, EntryKind.CAPTURE)).isEmpty();
    }

    @Test
    void malformedJsonIsRetried() {
        UPSTREAM.script("bad-json", Step.malformed(), Step.ok());
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"bad-json\"}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).isEqualTo("succeeded");
        assertThat(channels.attempts(id))
                .extracting(ProviderAttempt::errorCode)
                .containsExactly("upstream_bad_response", null);
        assertThat(balance(user)).isEqualTo(90);
    }

    @Test
    void truncatedBase64IsAFailedCallAndIsRetried() throws Exception {
        UPSTREAM.script("cut-short", Step.truncated(), Step.truncated(), Step.ok());
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"cut-short\",\"output_format\":\"jpeg\",\"size\":\"1024x1536\"}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).isEqualTo("succeeded");
        assertThat(channels.attempts(id))
                .extracting(ProviderAttempt::errorCode)
                .containsExactly("upstream_bad_image", "upstream_bad_image", null);
        BufferedImage image = download(done.path("data").get(0), "image/jpeg");
        assertThat(image.getHeight()).isEqualTo(1536);
        assertThat(balance(user)).isEqualTo(90);
    }

    @Test
    void truncatedBase64EveryTimeFailsTheTask() {
        UPSTREAM.script("always-cut", Step.truncated());
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"always-cut\"}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).isEqualTo("failed");
        assertThat(done.path("error").path("code").asString()).isEqualTo("upstream_unavailable");
        assertThat(done.path("error").path("message").asString()).contains("unusable image data");
        assertThat(balance(user)).isEqualTo(100);
        assertThat(entries(user, id, EntryKind.RELEASE)).hasSize(1);
    }

    @Test
    void aModerationBlockFailsTheTaskAtOnceWithoutRetrying() {
        UPSTREAM.script("blocked-prompt", Step.moderationBlocked());
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"blocked-prompt\"}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).isEqualTo("failed");
        assertThat(done.path("error").path("code").asString()).isEqualTo("content_policy_violation");
        assertThat(done.path("error").path("message").asString()).contains("safety system");
        assertSafeError(done);
        assertThat(UPSTREAM.requests("blocked-prompt")).hasSize(1);
        assertThat(balance(user)).isEqualTo(100);
        assertThat(entries(user, id, EntryKind.RELEASE)).hasSize(1);
    }

    @Test
    void anotherClientErrorFailsAtOnceWithOurCodeAndNoUpstreamBody() {
        UPSTREAM.script("bad-request", Step.error(400, "invalid_request_error", "invalid_value"));
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"bad-request\",\"n\":2}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).isEqualTo("failed");
        assertThat(done.path("error").path("code").asString()).isEqualTo("upstream_rejected");
        assertThat(done.path("error").path("message").asString())
                .contains("HTTP 400")
                .contains("invalid_value")
                .doesNotContain("Sorry about that");
        assertSafeError(done);
        assertThat(UPSTREAM.requests("bad-request")).hasSize(2); // one per part, none retried
        assertThat(balance(user)).isEqualTo(100);
    }

    @Test
    void aHungConnectionTimesOutAndIsRetried() {
        UPSTREAM.script("hang-once", Step.hang(), Step.ok());
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"hang-once\"}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).isEqualTo("succeeded");
        var attempts = channels.attempts(id);
        assertThat(attempts).extracting(ProviderAttempt::errorCode).containsExactly("upstream_timeout", null);
        assertThat(attempts.getFirst().statusCode()).isNull();
        assertThat(attempts.getFirst().duration()).isBetween(Duration.ofMillis(1900), Duration.ofMillis(3500));
        assertThat(balance(user)).isEqualTo(90);
    }

    @Test
    void aConnectionThatHangsEveryTimeFailsTheTaskAtItsDeadline() {
        UPSTREAM.script("hang-always", Step.hang());
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"hang-always\"}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).isEqualTo("failed");
        assertThat(done.path("error").path("code").asString()).isEqualTo("upstream_timeout");
        assertThat(done.path("credits_refunded").asBoolean()).isTrue();
        // 5 s deadline with 2 s read timeouts: the third call is cut to what is left, and no fourth is made.
        assertThat(channels.attempts(id)).hasSize(3);
        var attempts = channels.attempts(id);
        var last = attempts.getLast();
        assertThat(Duration.between(
                        attempts.getFirst().startedAt(), last.startedAt().plus(last.duration())))
                .isLessThan(Duration.ofMillis(6500));
        assertThat(balance(user)).isEqualTo(100);
        assertThat(entries(user, id, EntryKind.RELEASE)).hasSize(1);
    }

    @Test
    void nIsSplitIntoCallsAndPartialSuccessCapturesOnlyTheImagesDelivered() {
        UPSTREAM.script(
                "split-partly",
                Step.ok(),
                Step.ok(),
                Step.error(500, "server_error", null),
                Step.error(500, "server_error", null),
                Step.error(500, "server_error", null));
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"split-partly\",\"n\":4}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("data")).hasSize(2);
        assertThat(done.path("credits").asLong()).isEqualTo(40);
        assertThat(done.path("credits_captured").asLong()).isEqualTo(20);
        assertThat(done.path("credits_refunded").asBoolean()).isTrue();
        var seen = UPSTREAM.requests("split-partly");
        assertThat(seen).allSatisfy(s -> assertThat(s.fields()).containsEntry("n", "1"));
        assertThat(seen.stream().filter(s -> s.status() == 200)).hasSize(2);
        // The two failing parts are each tried max-attempts (4) times.
        assertThat(seen).hasSize(2 + 2 * 4);
        assertThat(balance(user)).isEqualTo(80);
        var captures = entries(user, id, EntryKind.CAPTURE);
        assertThat(captures).hasSize(1);
        assertThat(captures.getFirst().held()).isEqualTo(-20); // 20 of the 40 reserved are charged
        var releases = entries(user, id, EntryKind.RELEASE);
        assertThat(releases).hasSize(1);
        assertThat(releases.getFirst().credits()).isEqualTo(20); // the other 20 come back
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("select credits_captured from image_tasks where id = ?", Long.class, id))
                .isEqualTo(20);
    }

    @Test
    void referenceImagesGoToTheEditsEndpointAsImageArrayParts() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        String reference = UPSTREAM.baseUrl() + "/files/" + serveReference();

        String id = create(user, """
                {"prompt":"edit-refs make it blue","image_urls":["%s","%s"],"size":"1024x1024"}""".formatted(reference, reference));
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("succeeded");
        var seen = UPSTREAM.requests("edit-refs");
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().path()).isEqualTo("/v1/images/edits");
        assertThat(seen.getFirst().images()).hasSize(2).allSatisfy(upload -> {
            assertThat(upload.field()).isEqualTo("image[]");
            assertThat(upload.contentType()).isEqualTo("image/png");
        });
        assertThat(seen.getFirst().fields()).containsEntry("model", "gpt-image-2-2026-04-21");
        assertThat(channels.attempts(id).getFirst().endpoint()).isEqualTo("edits");
        assertThat(balance(user)).isEqualTo(90);
    }

    @Test
    void anEnhancementIsAnEditWithTheConfiguredPrompt() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        String reference = UPSTREAM.baseUrl() + "/files/" + serveReference();

        var created = api().send(
                        "POST",
                        "/api/v1/images/enhancements",
                        "Bearer " + user.secret(),
                        "{\"image_url\":\"" + reference + "\",\"output_format\":\"png\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        JsonNode done = ended(user, ApiClient.json(created).path("id").asString());

        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("succeeded");
        var seen = UPSTREAM.requests("ENHANCE-PROMPT");
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().path()).isEqualTo("/v1/images/edits");
        assertThat(seen.getFirst().fields()).containsEntry("size", "auto").containsEntry("n", "1");
        assertThat(seen.getFirst().images()).hasSize(1);
        assertThat(balance(user)).isEqualTo(90);
    }

    @Test
    void testKeysNeverReachTheUpstreamEvenWithTheOpenAiProvider() {
        var user = ApiUsers.signUpWithKey(port, "test");
        int before = UPSTREAM.requests().size();

        String id = create(user, "{\"prompt\":\"test-key-sandbox\",\"n\":2}");
        JsonNode done = ended(user, id);

        assertThat(done.path("status").asString()).isEqualTo("succeeded");
        assertThat(done.path("data")).hasSize(2);
        assertThat(UPSTREAM.requests("test-key-sandbox")).isEmpty();
        assertThat(UPSTREAM.requests().size()).isEqualTo(before);
        assertThat(channels.attempts(id)).isEmpty();
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("select provider from image_tasks where id = ?", String.class, id))
                .isEqualTo("sandbox");
        assertThat(balance(user)).isEqualTo(100);
    }

    /** A PNG the fake serves as a reference image (its /files/ route); returns its name. */
    private static String serveReference() {
        return UPSTREAM.serve(new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB));
    }
}
