package com.imagegate.api;

import static com.imagegate.testsupport.TestImages.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.credits.Credits;
import com.imagegate.credits.EntryKind;
import com.imagegate.credits.HistoryQuery;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.generation.TaskEvents;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.FakeOpenAiImages;
import com.imagegate.testsupport.FakeOpenAiImages.Step;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MultipartForm;
import com.imagegate.testsupport.MultipartForm.Part;
import com.imagegate.testsupport.SseStream;
import com.imagegate.testsupport.SseStream.Event;
import com.imagegate.testsupport.TestImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The drop-in's {@code stream: true} over real HTTP with the {@code openai} provider and the fake upstream speaking
 * OpenAI's streaming format: events in OpenAI's shapes and order for generations (JSON) and edits (multipart), the
 * image charged once and partials never, an upstream that stalls mid-stream ending the stream with an {@code error}
 * event and a refund, a cancel mid-stream ending it with an {@code error} event, refusals before the stream as plain
 * JSON, the open-stream cap, and a client that leaves while its
 * task runs (the task still finishes, charged once, and the stream's slot is freed).
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.api-key=" + OpenAiStreamIT.KEY,
            "imagegate.generation.openai.read-timeout=5s",
            "imagegate.generation.openai.deadline=12s",
            "imagegate.generation.openai.max-attempts=4",
            "imagegate.generation.openai.initial-backoff=100ms",
            "imagegate.generation.openai.max-backoff=400ms",
            "imagegate.generation.openai.failure-threshold=1000",
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=100",
            "imagegate.api.streams.max-per-workspace=2",
            "imagegate.api.streams.heartbeat=500ms"
        })
class OpenAiStreamIT {

    static final String KEY = "sk-upstream-dropin-stream-41c7";
    static final FakeOpenAiImages UPSTREAM = FakeOpenAiImages.start(KEY);
    static final Duration LONG = Duration.ofSeconds(40);

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
    TaskEvents taskEvents;

    @Autowired
    DataSource dataSource;

    final HttpClient http = HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    final List<SseStream> opened = new ArrayList<>();

    @AfterEach
    void closeStreams() {
        opened.forEach(SseStream::close);
    }

    @Test
    void aStreamedGenerationSendsThePartialsThenTheImageAndChargesItOnce() throws Exception {
        UPSTREAM.script("dropin-happy", Step.slow(Duration.ofMillis(900)));
        var user = ApiUsers.signUpWithKey(port, "live");

        SseStream stream = generate(
                user,
                "{\"prompt\":\"dropin-happy a fox\",\"size\":\"1024x1024\",\"stream\":true,\"partial_images\":2}",
                "Idempotency-Key",
                "dropin-happy-1");
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.response().headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(stream.response().headers().firstValue("x-imagegate-credits"))
                .contains("10");
        String taskId =
                stream.response().headers().firstValue("x-imagegate-task-id").orElseThrow();
        List<Event> events = stream.untilClosed(LONG);

        assertThat(events)
                .extracting(Event::name)
                .containsExactly(
                        "image_generation.partial_image",
                        "image_generation.partial_image",
                        "image_generation.completed");
        for (int i = 0; i < 2; i++) {
            JsonNode partial = events.get(i).json();
            assertThat(partial.path("type").asString()).isEqualTo("image_generation.partial_image");
            assertThat(partial.path("partial_image_index").asInt()).isEqualTo(i);
            assertCommonFields(partial);
            assertThat(image(partial).getWidth()).isEqualTo(1024);
            assertThat(partial.has("usage")).isFalse();
        }
        JsonNode completed = events.get(2).json();
        assertThat(completed.path("type").asString()).isEqualTo("image_generation.completed");
        assertThat(completed.has("partial_image_index")).isFalse();
        assertCommonFields(completed);
        BufferedImage image = image(completed);
        assertThat(image.getWidth()).isEqualTo(1024);
        assertThat(image.getHeight()).isEqualTo(1024);
        assertThat(completed.path("usage").path("total_tokens").isIntegralNumber())
                .isTrue();
        assertThat(completed.path("usage").path("input_tokens_details").has("image_tokens"))
                .isTrue();

        // Charged once, for the image; the partials cost nothing. The task is in the task list as any other.
        assertThat(balance(user)).isEqualTo(90);
        assertThat(entries(user, taskId, EntryKind.CAPTURE)).hasSize(1);
        JsonNode task = ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + taskId, user.secret()));
        assertThat(task.path("status").asString()).isEqualTo("succeeded");
        assertThat(task.path("data")).hasSize(1);

        // The same request with the same Idempotency-Key replays the task's end as a stream, paid once.
        SseStream replay = generate(
                user,
                "{\"prompt\":\"dropin-happy a fox\",\"size\":\"1024x1024\",\"stream\":true,\"partial_images\":2}",
                "Idempotency-Key",
                "dropin-happy-1");
        assertThat(replay.response().headers().firstValue("x-imagegate-task-id"))
                .contains(taskId);
        assertThat(replay.untilClosed(LONG)).extracting(Event::name).last().isEqualTo("image_generation.completed");
        assertThat(balance(user)).isEqualTo(90);
        assertThat(entries(user, taskId, EntryKind.CAPTURE)).hasSize(1);
    }

    @Test
    void aStreamedEditSpeaksTheEditEventsAndLinksWhenUrlIsAsked() throws Exception {
        UPSTREAM.script("dropin-edit", Step.slow(Duration.ofMillis(600)));
        var user = ApiUsers.signUpWithKey(port, "live");

        var request = MultipartForm.request(
                port,
                "/v1/images/edits",
                user.secret(),
                List.of(
                        Part.file("image", TestImages.png(64, 64, Color.ORANGE), "image/png"),
                        Part.field("prompt", "dropin-edit make it blue"),
                        Part.field("size", "1024x1536"),
                        Part.field("output_format", "jpeg"),
                        Part.field("stream", "true"),
                        Part.field("partial_images", "1")));
        SseStream stream = open(request);
        assertThat(stream.status()).isEqualTo(200);
        List<Event> events = stream.untilClosed(LONG);

        assertThat(events).extracting(Event::name).containsExactly("image_edit.partial_image", "image_edit.completed");
        JsonNode completed = events.getLast().json();
        assertThat(completed.path("type").asString()).isEqualTo("image_edit.completed");
        assertThat(completed.path("output_format").asString()).isEqualTo("jpeg");
        assertThat(completed.path("size").asString()).isEqualTo("1024x1536");
        BufferedImage image = image(completed);
        assertThat(image.getWidth()).isEqualTo(1024);
        assertThat(image.getHeight()).isEqualTo(1536);
        assertThat(balance(user)).isEqualTo(90);

        // response_format=url (our extension): the same events carry signed links instead of base64.
        SseStream byUrl = generate(
                user,
                "{\"prompt\":\"dropin-edit links\",\"stream\":true,\"partial_images\":1,\"response_format\":\"url\"}");
        List<Event> linked = byUrl.untilClosed(LONG);
        assertThat(linked)
                .extracting(Event::name)
                .containsExactly("image_generation.partial_image", "image_generation.completed");
        assertThat(linked).allSatisfy(event -> {
            assertThat(event.json().has("b64_json")).isFalse();
            assertThat(event.json().path("url").asString()).contains("/files/");
        });
        assertThat(linked.getFirst().json().path("url").asString()).contains("/files/partials/");
    }

    @Test
    void anUpstreamThatStallsMidStreamEndsTheStreamWithAnErrorEventAndARefund() throws Exception {
        UPSTREAM.script("dropin-stall", Step.stallAfterPartials());
        var user = ApiUsers.signUpWithKey(port, "live");
        long before = balance(user);

        SseStream stream = generate(
                user,
                "{\"prompt\":\"dropin-stall a fox\",\"size\":\"1024x1024\",\"stream\":true,\"partial_images\":2}");
        assertThat(stream.status()).isEqualTo(200);
        String taskId =
                stream.response().headers().firstValue("x-imagegate-task-id").orElseThrow();
        List<Event> events = stream.untilClosed(LONG);

        assertThat(events)
                .extracting(Event::name)
                .containsExactly("image_generation.partial_image", "image_generation.partial_image", "error");
        JsonNode error = events.getLast().json();
        assertThat(error.path("type").asString()).isEqualTo("error");
        assertThat(error.path("error").path("type").asString()).isEqualTo("server_error");
        assertThat(error.path("error").path("code").asString()).isEqualTo("upstream_timeout");
        assertThat(error.path("error").path("message").asString()).contains("credits were released");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(balance(user)).isEqualTo(before));
        assertThat(entries(user, taskId, EntryKind.RELEASE)).hasSize(1);
        assertThat(entries(user, taskId, EntryKind.CAPTURE)).isEmpty();
    }

    @Test
    void refusalsBeforeTheStreamArePlainJsonErrorsAndCostNothing() throws Exception {
        // Under the 5 s read timeout: the first two tasks still run when the third is sent.
        UPSTREAM.script("dropin-cap", Step.slow(Duration.ofMillis(1800)));
        var user = ApiUsers.signUpWithKey(port, "live");

        for (String body : List.of(
                "{\"prompt\":\"x\",\"stream\":true,\"size\":\"512x512\"}",
                "{\"prompt\":\"x\",\"stream\":\"yes\"}",
                "{\"prompt\":\"x\",\"stream\":true,\"partial_images\":4}",
                "{\"stream\":true}")) {
            SseStream refused = generate(user, body);
            assertThat(refused.status()).as(body).isEqualTo(400);
            assertThat(refused.response().headers().firstValue("Content-Type"))
                    .as(body)
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(refused.response().headers().firstValue("x-should-retry"))
                    .as(body)
                    .contains("false");
            assertThat(json(refused.body()).path("error").path("type").asString())
                    .as(body)
                    .isEqualTo("invalid_request_error");
        }
        var badEdit = open(MultipartForm.request(
                port,
                "/v1/images/edits",
                user.secret(),
                List.of(Part.field("prompt", "x"), Part.field("stream", "maybe"))));
        assertThat(badEdit.status()).isEqualTo(400);
        assertThat(json(badEdit.body()).path("error").path("param").asString()).isEqualTo("stream");

        // More than the balance: 429 insufficient_quota as JSON, before any stream.
        SseStream tooDear = generate(user, "{\"prompt\":\"x\",\"stream\":true,\"n\":10,\"size\":\"3824x2160\"}");
        assertThat(tooDear.status()).isEqualTo(429);
        assertThat(json(tooDear.body()).path("error").path("code").asString()).isEqualTo("insufficient_quota");

        // The workspace's open-stream cap (2 here) counts the drop-in's streams; a third is refused before its task.
        SseStream first = generate(user, "{\"prompt\":\"dropin-cap one\",\"stream\":true}");
        SseStream second = generate(user, "{\"prompt\":\"dropin-cap two\",\"stream\":true}");
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        long held = balance(user);
        SseStream third = generate(user, "{\"prompt\":\"dropin-cap three\",\"stream\":true}");
        assertThat(third.status()).isEqualTo(429);
        assertThat(json(third.body()).path("error").path("code").asString()).isEqualTo("too_many_streams");
        assertThat(balance(user)).isEqualTo(held);
        assertThat(UPSTREAM.requests("dropin-cap three")).isEmpty();
        assertThat(first.untilClosed(LONG)).extracting(Event::name).last().isEqualTo("image_generation.completed");
        assertThat(second.untilClosed(LONG)).extracting(Event::name).last().isEqualTo("image_generation.completed");
        // Their slots are free again.
        SseStream fourth = generate(user, "{\"prompt\":\"dropin-cap four\",\"stream\":true}");
        assertThat(fourth.status()).isEqualTo(200);
        assertThat(fourth.untilClosed(LONG)).extracting(Event::name).containsExactly("image_generation.completed");
        assertThat(balance(user)).isEqualTo(100 - 30);
    }

    @Test
    void aClientThatLeavesMidStreamLeavesItsTaskToFinishChargedOnce() throws Exception {
        UPSTREAM.script("dropin-leave", Step.slow(Duration.ofMillis(1500)));
        var user = ApiUsers.signUpWithKey(port, "live");
        int openBefore = taskEvents.openStreams();

        SseStream stream = generate(
                user,
                "{\"prompt\":\"dropin-leave a fox\",\"size\":\"1024x1024\",\"stream\":true,\"partial_images\":2}");
        assertThat(stream.status()).isEqualTo(200);
        String taskId =
                stream.response().headers().firstValue("x-imagegate-task-id").orElseThrow();
        Event first = stream.next(LONG);
        assertThat(first).isNotNull();
        assertThat(first.name()).isEqualTo("image_generation.partial_image");
        stream.close();

        // The next write (a partial, a heartbeat) finds the client gone: the stream and its slot are freed…
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(taskEvents.openStreams()).isLessThanOrEqualTo(openBefore));
        // …and the paid task runs to its end, charged once, in the task list.
        await().atMost(LONG)
                .untilAsserted(() -> assertThat(
                                ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + taskId, user.secret()))
                                        .path("status")
                                        .asString())
                        .isEqualTo("succeeded"));
        assertThat(balance(user)).isEqualTo(90);
        assertThat(entries(user, taskId, EntryKind.CAPTURE)).hasSize(1);
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("select count(*) from task_images where task_id = ?", Integer.class, taskId))
                .isEqualTo(1);
        // Two more streams fit under the cap of 2: the one left is no longer counted.
        SseStream again = generate(user, "{\"prompt\":\"dropin-leave again\",\"stream\":true}");
        SseStream andAgain = generate(user, "{\"prompt\":\"dropin-leave and again\",\"stream\":true}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(andAgain.status()).isEqualTo(200);
    }

    @Test
    void aTaskCanceledMidStreamEndsTheStreamWithAnErrorEventAndItsCreditsReleased() throws Exception {
        UPSTREAM.script("dropin-cancel", Step.slow(Duration.ofMillis(3000)));
        var user = ApiUsers.signUpWithKey(port, "live");

        SseStream stream = generate(
                user,
                "{\"prompt\":\"dropin-cancel a fox\",\"size\":\"1024x1024\",\"stream\":true,\"partial_images\":2}");
        String taskId =
                stream.response().headers().firstValue("x-imagegate-task-id").orElseThrow();
        Event first = stream.next(LONG);
        assertThat(first).isNotNull();
        assertThat(first.name()).isEqualTo("image_generation.partial_image");
        var canceled = new ApiClient(port)
                .send("POST", "/api/v1/images/tasks/" + taskId + "/cancel", "Bearer " + user.secret(), null);
        assertThat(canceled.statusCode()).as(canceled.body()).isEqualTo(200);

        List<Event> rest = stream.untilClosed(LONG);
        assertThat(rest).isNotEmpty();
        assertThat(rest.getLast().name()).isEqualTo("error");
        assertThat(rest.getLast().json().path("error").path("code").asString()).isEqualTo("task_canceled");
        assertThat(rest).extracting(Event::name).doesNotContain("image_generation.completed");
        assertThat(balance(user)).isEqualTo(100);
        assertThat(entries(user, taskId, EntryKind.RELEASE)).hasSize(1);
    }

    // --- helpers

    static void assertCommonFields(JsonNode event) {
        assertThat(event.path("b64_json").asString()).isNotEmpty();
        assertThat(event.path("created_at").asLong()).isGreaterThan(1_700_000_000L);
        assertThat(event.path("size").asString()).isEqualTo("1024x1024");
        assertThat(event.path("quality").asString()).isEqualTo("auto");
        assertThat(event.path("background").asString()).isEqualTo("opaque");
        assertThat(event.path("output_format").asString()).isEqualTo("png");
    }

    static JsonNode json(String body) {
        return JsonMapper.shared().readTree(body);
    }

    static BufferedImage image(JsonNode event) {
        return decode(Base64.getDecoder().decode(event.path("b64_json").asString()));
    }

    SseStream generate(ApiUsers user, String body, String... headers) {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/images/generations"))
                .header("Authorization", "Bearer " + user.secret())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return open(request.build());
    }

    SseStream open(HttpRequest request) {
        SseStream stream = SseStream.send(http, request);
        opened.add(stream);
        return stream;
    }

    long balance(ApiUsers user) {
        return ApiClient.json(new ApiClient(port).get("/api/v1/account", user.secret()))
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
}
