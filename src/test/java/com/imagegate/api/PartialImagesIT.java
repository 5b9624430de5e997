package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.AppNode;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.SseStream;
import com.imagegate.testsupport.SseStream.Event;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Partial images ({@code partial_images} on {@code POST /api/v1/images/generations}) streamed as {@code partial_image}
 * events over real HTTP: the sandbox renders for 3 s and makes its partials at 1/3 and 2/3 of that; they are stored
 * under the task, counted on its row (so any node's stream sees them), linked by signed URL, and never delivered or
 * charged as images.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.sandbox.delay=3s",
            "imagegate.generation.tasks.local-workers=2",
            "jobrunr.background-job-server.enabled=false",
            "imagegate.plans.free.concurrent-tasks=100",
            "imagegate.plans.free.requests-per-minute=100"
        })
class PartialImagesIT {

    static final Duration LONG = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Value("${spring.datasource.url}")
    String jdbcUrl;

    @Value("${spring.datasource.username}")
    String dbUser;

    @Value("${spring.datasource.password:}")
    String dbPassword;

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
    void aTaskAskingForTwoPartialsStreamsThemInOrderAndPaysForTheFinalImageOnly() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        long before = balance(api, user);
        String task = create(api, user, ",\"partial_images\":2");
        var stream = open(port, user, task, null);
        assertThat(stream.status()).isEqualTo(200);

        List<Event> received = new ArrayList<>();
        List<BufferedImage> partials = new ArrayList<>();
        Event event;
        while ((event = stream.next(LONG)) != null) {
            received.add(event);
            if (event.name().equals("partial_image")) {
                partials.add(download(event.json().get("url").asString(), "image/png"));
            }
        }

        List<Event> fromProcessing =
                received.stream().dropWhile(e -> !"2".equals(e.id())).toList();
        assertThat(fromProcessing)
                .extracting(Event::name)
                .containsExactly("status", "partial_image", "partial_image", "completed");
        assertThat(fromProcessing).extracting(Event::id).containsExactly("2", "2.1", "2.2", "3");
        assertThat(fromProcessing.get(1).json().get("index").asInt()).isZero();
        assertThat(fromProcessing.get(2).json().get("index").asInt()).isEqualTo(1);
        assertThat(fromProcessing.get(1).json().get("url").asString())
                .contains("/files/partials/" + task + "/1.png?expires=")
                .contains("&sig=");
        assertThat(partials).hasSize(2).allSatisfy(image -> {
            assertThat(image.getWidth()).isEqualTo(1024);
            assertThat(image.getHeight()).isEqualTo(1024);
        });

        // The final body, the rows and the ledger know one image: the partials are no images of the task.
        var done = received.getLast().json();
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        assertThat(done.get("data")).hasSize(1);
        assertThat(done.get("data").get(0).get("url").asString()).doesNotContain("partials/");
        long price = done.get("credits").asLong();
        assertThat(price).isPositive();
        assertThat(done.get("credits_captured").asLong()).isEqualTo(price);
        assertThat(done.get("credits_refunded").asBoolean()).isFalse();
        assertThat(balance(api, user)).isEqualTo(before - price);
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("select count(*) from task_images where task_id = ?", Integer.class, task))
                .isEqualTo(1);
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("select partials from image_tasks where id = ?", Integer.class, task))
                .isEqualTo(2);

        // A partial link is signed for its key: another key, or a changed signature, is refused.
        String link = fromProcessing.get(1).json().get("url").asString();
        assertThat(fetch(link.replace("/1.png", "/2.png")).statusCode()).isEqualTo(403);
        assertThat(fetch(link.substring(0, link.length() - 2) + "xx").statusCode())
                .isEqualTo(403);
    }

    @Test
    void aStreamResumedAfterTheFirstPartialGetsOnlyTheSecondAndTheEnd() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        String task = create(api, user, ",\"partial_images\":2");
        var first = open(port, user, task, null);
        Event event;
        do {
            event = first.next(LONG);
            assertThat(event).as("the stream ended before a partial").isNotNull();
        } while (!event.name().equals("partial_image"));
        assertThat(event.id()).isEqualTo("2.1");
        first.close();

        List<Event> resumed = open(port, user, task, event.id()).untilClosed(LONG);
        assertThat(resumed).extracting(Event::name).containsExactly("partial_image", "completed");
        assertThat(resumed).extracting(Event::id).containsExactly("2.2", "3");
        assertThat(resumed.getFirst().json().get("index").asInt()).isEqualTo(1);
        download(resumed.getFirst().json().get("url").asString(), "image/png");
    }

    @Test
    void aTaskWithoutPartialsStreamsNone() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        String task = create(new ApiClient(port), user, "");
        List<Event> received = open(port, user, task, null).untilClosed(LONG);
        assertThat(received)
                .extracting(Event::name)
                .doesNotContain("partial_image")
                .endsWith("completed");
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("select partials from image_tasks where id = ?", Integer.class, task))
                .isZero();
    }

    @Test
    void partialImagesOutOfRangeOrNotAnIntegerIsRefusedAndNothingIsWritten() {
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        var jdbc = new JdbcTemplate(dataSource);
        int tasksBefore = jdbc.queryForObject("select count(*) from image_tasks", Integer.class);
        for (String value : List.of("4", "-1", "\"2\"", "1.5", "true")) {
            var refused = api.send(
                    "POST",
                    "/api/v1/images/generations",
                    "Bearer " + user.secret(),
                    "{\"prompt\":\"p\",\"partial_images\":" + value + "}");
            assertThat(refused.statusCode()).as(value).isEqualTo(400);
            var error = ApiClient.json(refused).get("error");
            assertThat(error.get("code").asString()).isEqualTo("invalid_value");
            assertThat(error.get("param").asString()).isEqualTo("partial_images");
        }
        assertThat(jdbc.queryForObject("select count(*) from image_tasks", Integer.class))
                .isEqualTo(tasksBefore);
    }

    @Test
    void aStreamOnAnotherNodeSeesThePartialsOfATaskThisNodeRenders() throws Exception {
        var settings = Map.of(
                "spring.profiles.active",
                "mysql",
                "spring.datasource.url",
                jdbcUrl,
                "spring.datasource.username",
                dbUser,
                "spring.datasource.password",
                dbPassword,
                "imagegate.data-dir",
                Files.createTempDirectory("imagegate-node-b").toString(),
                "imagegate.generation.tasks.local-workers",
                "0",
                "jobrunr.background-job-server.enabled",
                "false");
        try (AppNode b = AppNode.start("node-b", settings, Duration.ofMinutes(3))) {
            var user = ApiUsers.signUpWithKey(port, "live");
            String task = create(new ApiClient(port), user, ",\"partial_images\":2");
            var onB = SseStream.open(
                    http, URI.create(b.baseUrl() + "/api/v1/images/tasks/" + task + "/events"), user.secret(), null);
            opened.add(onB);
            assertThat(onB.status()).isEqualTo(200);
            List<Event> received = onB.untilClosed(LONG);
            assertThat(received.stream().dropWhile(e -> !"2".equals(e.id())))
                    .extracting(Event::id)
                    .containsExactly("2", "2.1", "2.2", "3");
            // Node B signs the link with the shared key; the file is in node A's store here (a real deployment
            // shares one store), so A serves it.
            download(received.get(received.size() - 2).json().get("url").asString(), "image/png");
            assertThat(b.log()).doesNotContain("Rendering " + task);
        }
    }

    // --- helpers

    SseStream open(int port, ApiUsers user, String taskId, String lastEventId) {
        var stream = SseStream.open(
                http,
                URI.create("http://localhost:" + port + "/api/v1/images/tasks/" + taskId + "/events"),
                user.secret(),
                lastEventId);
        opened.add(stream);
        return stream;
    }

    static String create(ApiClient api, ApiUsers user, String extraFields) {
        var created = api.send(
                "POST",
                "/api/v1/images/generations",
                "Bearer " + user.secret(),
                "{\"prompt\":\"a lighthouse at dusk\",\"size\":\"1024x1024\"" + extraFields + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return ApiClient.json(created).get("id").asString();
    }

    static long balance(ApiClient api, ApiUsers user) {
        return ApiClient.json(api.get("/api/v1/account", user.secret()))
                .path("credits")
                .path("balance")
                .asLong();
    }

    HttpResponse<byte[]> fetch(String url) throws Exception {
        String local = url.replaceFirst("^https?://[^/]+", "http://localhost:" + port);
        return http.send(HttpRequest.newBuilder(URI.create(local)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    BufferedImage download(String url, String contentType) throws Exception {
        var response = fetch(url);
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains(contentType);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image).as("a decodable image").isNotNull();
        return image;
    }
}
