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
import com.imagegate.testsupport.SseStream;
import com.imagegate.testsupport.SseStream.Event;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
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

/**
 * The {@code openai} provider with partial images: a task asking for {@code partial_images} makes a streaming
 * upstream call ({@code stream: true}), and each {@code image_generation.partial_image} / {@code
 * image_edit.partial_image} of the fake's OpenAI wire format reaches the task's event stream as it arrives; the
 * {@code completed} image is stored and charged as without streaming. A stream that stalls midway is an upstream
 * timeout: retried within the task's deadline, then the task fails and its credits are released.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.api-key=" + OpenAiStreamingIT.KEY,
            "imagegate.generation.openai.read-timeout=2s",
            "imagegate.generation.openai.deadline=5s",
            "imagegate.generation.openai.max-attempts=4",
            "imagegate.generation.openai.initial-backoff=100ms",
            "imagegate.generation.openai.max-backoff=400ms",
            "imagegate.generation.openai.failure-threshold=1000",
            "imagegate.fetch.allow-private-hosts=true",
            "imagegate.plans.free.requests-per-minute=100"
        })
class OpenAiStreamingIT {

    static final String KEY = "sk-upstream-stream-7d2e9b10";
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
    UpstreamChannels channels;

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
    void aStreamingGenerationForwardsEachPartialAndStoresAndChargesTheFinalImage() throws Exception {
        UPSTREAM.script("stream-happy", Step.slow(Duration.ofMillis(1200)));
        var user = ApiUsers.signUpWithKey(port, "live");

        String id = create(user, "{\"prompt\":\"stream-happy a fox\",\"size\":\"1024x1024\",\"partial_images\":2}");
        List<Event> received = events(user, id).untilClosed(LONG);

        List<Event> fromProcessing =
                received.stream().dropWhile(e -> !"2".equals(e.id())).toList();
        assertThat(fromProcessing).extracting(Event::id).containsExactly("2", "2.1", "2.2", "3");
        assertThat(fromProcessing)
                .extracting(Event::name)
                .containsExactly("status", "partial_image", "partial_image", "completed");
        for (Event partial : fromProcessing.subList(1, 3)) {
            BufferedImage image = download(partial.json().get("url").asString(), "image/png");
            assertThat(image.getWidth()).isEqualTo(1024);
        }
        assertThat(UPSTREAM.requests("stream-happy"))
                .isNotEmpty()
                .allSatisfy(seen -> assertThat(seen.fields())
                        .containsEntry("stream", "true")
                        .containsEntry("partial_images", "2"));

        JsonNode done = fromProcessing.getLast().json();
        assertThat(done.path("status").asString()).isEqualTo("succeeded");
        assertThat(done.path("data")).hasSize(1);
        assertThat(download(done.path("data").get(0).path("url").asString(), "image/png")
                        .getHeight())
                .isEqualTo(1024);
        assertThat(balance(user)).isEqualTo(90);
        assertThat(entries(user, id, EntryKind.CAPTURE)).hasSize(1);
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("select count(*) from task_images where task_id = ?", Integer.class, id))
                .isEqualTo(1);
    }

    @Test
    void aStreamingEditSpeaksTheEditEvents() throws Exception {
        UPSTREAM.script("stream-edit", Step.slow(Duration.ofMillis(1000)));
        var user = ApiUsers.signUpWithKey(port, "live");
        BufferedImage source = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        source.getGraphics().setColor(Color.ORANGE);
        source.getGraphics().fillRect(0, 0, 64, 64);
        String file = UPSTREAM.serve(source);

        String id = create(
                user,
                "{\"prompt\":\"stream-edit make it blue\",\"size\":\"1024x1024\",\"partial_images\":1,"
                        + "\"image_urls\":[\"" + UPSTREAM.baseUrl() + "/files/" + file + "\"]}");
        List<Event> received = events(user, id).untilClosed(LONG);

        assertThat(received.stream().dropWhile(e -> !"2".equals(e.id())))
                .extracting(Event::name)
                .containsExactly("status", "partial_image", "completed");
        // (On a loaded machine a call may pass the 2 s read timeout and be retried: every call streams.)
        assertThat(UPSTREAM.requests("stream-edit")).isNotEmpty().allSatisfy(seen -> {
            assertThat(seen.path()).isEqualTo("/v1/images/edits");
            assertThat(seen.fields()).containsEntry("stream", "true").containsEntry("partial_images", "1");
        });
        assertThat(balance(user)).isEqualTo(90);
    }

    @Test
    void aStreamThatStallsMidwayFailsTheTaskAtItsDeadlineAndReleasesItsCredits() throws Exception {
        UPSTREAM.script("stream-stall", Step.stallAfterPartials());
        var user = ApiUsers.signUpWithKey(port, "live");
        long before = balance(user);

        String id = create(user, "{\"prompt\":\"stream-stall a fox\",\"size\":\"1024x1024\",\"partial_images\":2}");
        List<Event> received = events(user, id).untilClosed(LONG);

        // The partials of the first attempt were forwarded (the retries' partials are past the two asked for).
        assertThat(received.stream().dropWhile(e -> !"2".equals(e.id())))
                .extracting(Event::name)
                .containsExactly("status", "partial_image", "partial_image", "failed");
        JsonNode failed = received.getLast().json();
        assertThat(failed.path("error").path("code").asString()).isEqualTo("upstream_timeout");
        assertThat(failed.path("credits_refunded").asBoolean()).isTrue();
        assertThat(failed.path("data")).isEmpty();
        // 5 s deadline with 2 s read timeouts: each stalled stream is cut, and no fourth call is made.
        // (The fake records a stalled request only once it is closed: the attempts log is the witness.)
        assertThat(channels.attempts(id))
                .hasSize(3)
                .allSatisfy(attempt -> assertThat(attempt.errorCode()).isEqualTo("upstream_timeout"));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(balance(user)).isEqualTo(before));
        assertThat(entries(user, id, EntryKind.RELEASE)).hasSize(1);
        assertThat(entries(user, id, EntryKind.CAPTURE)).isEmpty();
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("select count(*) from task_images where task_id = ?", Integer.class, id))
                .isZero();
    }

    // --- helpers

    String create(ApiUsers user, String body) {
        var created = new ApiClient(port).send("POST", "/api/v1/images/generations", "Bearer " + user.secret(), body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return ApiClient.json(created).path("id").asString();
    }

    SseStream events(ApiUsers user, String taskId) {
        var stream = SseStream.open(
                http,
                URI.create("http://localhost:" + port + "/api/v1/images/tasks/" + taskId + "/events"),
                user.secret(),
                null);
        opened.add(stream);
        assertThat(stream.status()).isEqualTo(200);
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

    BufferedImage download(String url, String contentType) throws Exception {
        String local = url.replaceFirst("^https?://[^/]+", "http://localhost:" + port);
        var response =
                http.send(HttpRequest.newBuilder(URI.create(local)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(local).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains(contentType);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image).isNotNull();
        return image;
    }
}
