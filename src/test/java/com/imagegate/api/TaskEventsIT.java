package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.imagegate.generation.GenerationException;
import com.imagegate.generation.TaskEvent;
import com.imagegate.generation.TaskEventLimits;
import com.imagegate.generation.TaskEventSink;
import com.imagegate.generation.TaskEvents;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.AppNode;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.SseStream;
import com.imagegate.testsupport.SseStream.Event;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code GET /api/v1/images/tasks/{id}/events} over real HTTP, read line by line as an SSE client does. One local
 * worker and no JobRunr server, so tasks render one after the other in the order they were accepted and a task waits
 * in the queue while the one before it renders (1.5 s each).
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.sandbox.delay=1500ms",
            "imagegate.generation.tasks.local-workers=1",
            "imagegate.generation.tasks.queue-stats-ttl=0s",
            "jobrunr.background-job-server.enabled=false",
            "imagegate.plans.free.concurrent-tasks=100",
            "imagegate.plans.free.requests-per-minute=100",
            "imagegate.api.streams.heartbeat=300ms",
            "imagegate.api.streams.max-per-workspace=200"
        })
@ExtendWith(OutputCaptureExtension.class)
class TaskEventsIT {

    static final Duration LONG = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    TaskEvents events;

    @Autowired
    MeterRegistry meters;

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
    void aQueuedTaskStreamsItsStatusItsQueuePlaceAndItsEndInOrder() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        String first = create(api, user, "first in line");
        String second = create(api, user, "second in line");
        String third = create(api, user, "third in line");

        var body = ApiClient.json(api.get("/api/v1/images/tasks/" + third, user.secret()));
        assertThat(body.get("status").asString()).isEqualTo("pending");
        assertThat(body.get("queue_position").asInt()).isBetween(2, 3);

        var stream = open(user, third, null);
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.response().headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<Event> received = stream.untilClosed(LONG);

        assertThat(collapsedNames(received)).containsExactly("status", "queue", "status", "completed");
        assertThat(received.getFirst().id()).isEqualTo("1");
        assertThat(received.getFirst().json().get("status").asString()).isEqualTo("pending");
        assertThat(received.getFirst().json().get("queue_position").asInt()).isBetween(2, 3);
        List<Integer> positions = received.stream()
                .filter(e -> e.name().equals("queue"))
                .map(e -> e.json().get("position").asInt())
                .toList();
        assertThat(positions).isSortedAccordingTo((a, b) -> b - a).contains(2, 1);
        // By the time it is next, the first task has rendered: its time gives the estimate.
        Event lastQueue = received.stream()
                .filter(e -> e.name().equals("queue"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(lastQueue.json().get("eta_seconds").asLong()).isPositive();
        Event processing = received.get(received.size() - 2);
        assertThat(processing.id()).isEqualTo("2");
        assertThat(processing.json().get("status").asString()).isEqualTo("processing");
        assertThat(processing.json().has("queue_position")).isFalse();
        Event completed = received.getLast();
        assertThat(completed.id()).isEqualTo("3");
        assertThat(completed.json().get("status").asString()).isEqualTo("succeeded");
        assertThat(completed.json().at("/data/0/url").asString()).contains("/files/");
        assertThat(received.stream().map(Event::id)).doesNotHaveDuplicates();
        // The final body is the task GET's (image links are signed afresh on each read, so compared by path).
        var got = (tools.jackson.databind.node.ObjectNode)
                ApiClient.json(api.get("/api/v1/images/tasks/" + third, user.secret()));
        var sent = (tools.jackson.databind.node.ObjectNode) completed.json();
        assertThat(URI.create(sent.at("/data/0/url").asString()).getPath())
                .isEqualTo(URI.create(got.at("/data/0/url").asString()).getPath());
        assertThat(sent.without("data")).isEqualTo(got.without("data"));
        assertThat(status(api, user, first)).isEqualTo("succeeded");
        assertThat(status(api, user, second)).isEqualTo("succeeded");

        // Resuming: only what came after the id given, the processing step rebuilt from the row; none twice.
        var afterPending = open(user, third, "1.1.").untilClosed(LONG);
        assertThat(afterPending).extracting(Event::name).containsExactly("status", "completed");
        assertThat(afterPending.getFirst().json().get("status").asString()).isEqualTo("processing");
        assertThat(afterPending.getFirst().json().has("data")).isTrue();
        assertThat(afterPending.getFirst().json().get("data")).isEmpty();
        assertThat(open(user, third, "2").untilClosed(LONG))
                .extracting(Event::name, Event::id)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("completed", "3"));
        // Seen the end already: 204, which tells an EventSource to stop reconnecting.
        assertThat(open(user, third, "3").status()).isEqualTo(204);
        // An ended task without Last-Event-ID: its final event at once, then the stream closes.
        long started = System.nanoTime();
        assertThat(open(user, third, null).untilClosed(LONG))
                .extracting(Event::name)
                .containsExactly("completed");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        // An id that is not this task's starts from the task as it is.
        assertThat(open(user, third, "garbage").untilClosed(LONG))
                .extracting(Event::name)
                .containsExactly("completed");
    }

    @Test
    void aStreamResumedWhileTheTaskRunsGetsOnlyTheLaterEvents() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        create(api, user, "keeps the worker busy");
        String task = create(api, user, "resumed while queued");
        var first = open(user, task, null);
        Event pending = first.next(LONG);
        Event queued = first.next(LONG);
        assertThat(pending.name()).isEqualTo("status");
        assertThat(queued.name()).isEqualTo("queue");
        first.close();

        var resumed = open(user, task, queued.id()).untilClosed(LONG);
        assertThat(resumed).extracting(Event::id).doesNotContain(pending.id(), queued.id());
        assertThat(collapsedNames(resumed)).last().isEqualTo("completed");
        assertThat(resumed).extracting(Event::name).contains("status").doesNotContain("canceled", "failed");
    }

    @Test
    void aFailedTaskEndsWithFailedAndItsError() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        String task = create(api, user, "this one will [[fail]]");
        List<Event> received = open(user, task, null).untilClosed(LONG);
        Event last = received.getLast();
        assertThat(last.name()).isEqualTo("failed");
        assertThat(last.id()).isEqualTo("3");
        assertThat(last.json().at("/error/code").asString()).isEqualTo("generation_failed");
        assertThat(last.json().get("credits_refunded").asBoolean()).isTrue();
        assertThat(received).extracting(Event::name).doesNotContain("completed");
    }

    @Test
    void anotherWorkspacesTaskAndAnUnknownIdAre404BeforeAnyStream() {
        var owner = ApiUsers.signUpWithKey(port, "live");
        var stranger = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        String task = create(api, owner, "not yours");
        for (String id : List.of(task, "task_doesnotexist000000000000", "x".repeat(100))) {
            var refused = open(stranger, id, null);
            assertThat(refused.status()).as(id).isEqualTo(404);
            assertThat(refused.response().headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(tools.jackson.databind.json.JsonMapper.shared()
                            .readTree(refused.body())
                            .at("/error/code")
                            .asString())
                    .isEqualTo("not_found");
        }
        var unauthenticated = http.sendAsync(
                        java.net.http.HttpRequest.newBuilder(eventsUri(task)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .join();
        assertThat(unauthenticated.statusCode()).isEqualTo(401);
    }

    @Test
    void aClientThatLeavesFreesItsStreamAndTwoHundredStreamsHoldNoThreads(CapturedOutput output) throws Exception {
        await().atMost(LONG).until(() -> events.openStreams() == 0);
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        String workspace = workspace(api, user);
        String task = heldByAnotherNode(workspace);

        var leaving = open(user, task, null);
        assertThat(leaving.next(LONG).json().get("status").asString()).isEqualTo("processing");
        assertThat(events.openStreams()).isEqualTo(1);
        assertThat(events.openStreams(ApiProperties.Streams.POOL, workspace)).isEqualTo(1);
        leaving.close();
        // The next heartbeat (every 300 ms here) finds the connection gone: the stream and its place under the
        // workspace's cap are given back.
        await().atMost(Duration.ofSeconds(10)).until(() -> events.openStreams() == 0);
        assertThat(events.openStreams(ApiProperties.Streams.POOL, workspace)).isZero();
        assertThat(meters.get("imagegate.tasks.streams.open").gauge().value()).isZero();

        int before = platformThreads();
        List<CompletableFuture<SseStream>> pending = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            pending.add(SseStream.openAsync(http, eventsUri(task), user.secret(), null));
        }
        List<SseStream> many = new ArrayList<>();
        for (var future : pending) {
            SseStream stream = future.get(60, java.util.concurrent.TimeUnit.SECONDS);
            opened.add(stream);
            many.add(stream);
            assertThat(stream.status()).isEqualTo(200);
        }
        await().atMost(LONG).until(() -> events.openStreams() == 200);
        for (SseStream stream : many) {
            assertThat(stream.next(LONG).name()).isEqualTo("status");
        }
        int during = platformThreads();
        System.out.println("Platform threads before 200 streams: " + before + ", with them open: " + during);
        assertThat(during - before)
                .as("platform threads added by 200 open streams")
                .isLessThan(40);
        // Heartbeats keep them alive.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> many.getLast().comments().contains("ping"));

        // The workspace's 201st stream on this node is refused before it starts.
        var refused = open(user, task, null);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(tools.jackson.databind.json.JsonMapper.shared()
                        .readTree(refused.body())
                        .at("/error/code")
                        .asString())
                .isEqualTo("too_many_streams");
        assertThat(events.openStreams(ApiProperties.Streams.POOL, workspace)).isEqualTo(200);

        // A client that leaves gives its place back (found by the next heartbeat): one more stream opens again.
        SseStream gone = many.removeLast();
        gone.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events.openStreams(ApiProperties.Streams.POOL, workspace) == 199);
        var replacement = open(user, task, null);
        assertThat(replacement.status()).isEqualTo(200);
        assertThat(replacement.next(LONG).name()).isEqualTo("status");
        many.add(replacement);
        assertThat(events.openStreams(ApiProperties.Streams.POOL, workspace)).isEqualTo(200);

        // Canceling the task ends every stream with its final event.
        assertThat(api.send("POST", "/api/v1/images/tasks/" + task + "/cancel", "Bearer " + user.secret(), null)
                        .statusCode())
                .isEqualTo(200);
        for (SseStream stream : many) {
            List<Event> rest = stream.untilClosed(LONG);
            assertThat(rest).extracting(Event::name).containsExactly("canceled");
        }
        await().atMost(LONG).until(() -> events.openStreams() == 0);
        assertThat(events.openStreams(ApiProperties.Streams.POOL, workspace)).isZero();
        // The cap counts open streams only: with them closed, the workspace may open one again.
        assertThat(open(user, task, null).untilClosed(LONG))
                .extracting(Event::name)
                .containsExactly("canceled");
        // A client leaving a stream is normal: no error in the log for it (long after the first client left).
        assertThat(output.getAll()).doesNotContain("Unhandled error").doesNotContain("AsyncRequestNotUsable");
    }

    /**
     * A place held before the task exists (as the drop-in's {@code stream: true} holds one before accepting its task)
     * counts under the cap, passes to the stream that opens on it, and is given back once: by the stream's end, or at
     * once when no stream opens.
     */
    @Test
    void aPlaceHeldBeforeItsStreamOpensCountsAndIsGivenBackOnce() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        String workspace = workspace(api, user);
        var limits = new TaskEventLimits("dropin-test", 1, Duration.ofMillis(300), Duration.ofMinutes(1));
        var place = events.hold(workspace, limits);
        assertThat(events.openStreams("dropin-test", workspace)).isEqualTo(1);
        assertThatThrownBy(() -> events.hold(workspace, limits))
                .isInstanceOfSatisfying(
                        GenerationException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(GenerationException.Reason.TOO_MANY_STREAMS));

        String task = heldByAnotherNode(workspace);
        var received = new java.util.concurrent.LinkedBlockingQueue<String>();
        TaskEventSink sink = new TaskEventSink() {
            @Override
            public void send(TaskEvent event) {
                received.add(event.kind().wireValue());
            }

            @Override
            public void heartbeat() {}

            @Override
            public void ended(Throwable failure) {
                received.add("ended");
            }
        };
        var stream = events.open(workspace, task, null, place, sink).orElseThrow();
        assertThat(received.poll(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("status");
        place.close(); // the stream has it: nothing is given back
        assertThat(events.openStreams("dropin-test", workspace)).isEqualTo(1);
        assertThatThrownBy(() -> events.open(workspace, task, null, place, sink))
                .isInstanceOf(IllegalStateException.class);
        stream.close();
        assertThat(events.openStreams("dropin-test", workspace)).isZero();
        place.close();
        assertThat(events.openStreams("dropin-test", workspace)).isZero();

        // A place whose stream never opens (an unknown task) is given back by the refusal.
        var unused = events.hold(workspace, limits);
        assertThatThrownBy(() -> events.open(workspace, "task_doesnotexist000000000000", null, unused, sink))
                .isInstanceOf(GenerationException.class);
        assertThat(events.openStreams("dropin-test", workspace)).isZero();
        // Another workspace's place is refused.
        var mine = events.hold(workspace, limits);
        assertThatThrownBy(() -> events.open("ws_someone_else", task, null, mine, sink))
                .isInstanceOf(IllegalArgumentException.class);
        mine.close();
        assertThat(events.openStreams("dropin-test", workspace)).isZero();
    }

    @Test
    void aStreamOnAnotherNodeSeesTheTaskThisNodeRenders() throws Exception {
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
            String task = create(new ApiClient(port), user, "rendered on A, watched from B");
            var onB = SseStream.open(
                    http, URI.create(b.baseUrl() + "/api/v1/images/tasks/" + task + "/events"), user.secret(), null);
            opened.add(onB);
            assertThat(onB.status()).isEqualTo(200);
            List<Event> received = onB.untilClosed(LONG);
            assertThat(received.getLast().name()).isEqualTo("completed");
            assertThat(received.getLast().json().at("/data/0/url").asString()).contains("/files/");
            assertThat(b.log()).doesNotContain("Rendering " + task);
        }
    }

    // --- helpers

    SseStream open(ApiUsers user, String taskId, String lastEventId) {
        var stream = SseStream.open(http, eventsUri(taskId), user.secret(), lastEventId);
        opened.add(stream);
        return stream;
    }

    URI eventsUri(String taskId) {
        return URI.create("http://localhost:" + port + "/api/v1/images/tasks/" + taskId + "/events");
    }

    static String create(ApiClient api, ApiUsers user, String prompt) {
        var created = api.send(
                "POST", "/api/v1/images/generations", "Bearer " + user.secret(), "{\"prompt\":\"" + prompt + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return ApiClient.json(created).get("id").asString();
    }

    static String status(ApiClient api, ApiUsers user, String taskId) {
        return ApiClient.json(api.get("/api/v1/images/tasks/" + taskId, user.secret()))
                .get("status")
                .asString();
    }

    static String workspace(ApiClient api, ApiUsers user) {
        return ApiClient.json(api.get("/api/v1/account", user.secret()))
                .get("id")
                .asString();
    }

    /** Consecutive queue events as one: how many there are depends on how often the estimate moved. */
    static List<String> collapsedNames(List<Event> events) {
        List<String> names = new ArrayList<>();
        for (Event e : events) {
            if (names.isEmpty() || !(e.name().equals("queue") && names.getLast().equals("queue"))) {
                names.add(e.name());
            }
        }
        return names;
    }

    /**
     * A task another node is rendering (a long render: its lease runs an hour), so its streams stay open as long as the
     * test needs; free (0 credits), so canceling it releases nothing.
     */
    String heldByAnotherNode(String workspaceId) {
        String id = "task_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        Instant now = Instant.now();
        new JdbcTemplate(dataSource)
                .update(
                        "insert into image_tasks (id, workspace_id, source, kind, status, model, model_snapshot,"
                                + " provider, prompt, n, size, quality, output_format, credits, credits_refunded,"
                                + " attempts, lease_owner, lease_until, created_at, started_at)"
                                + " values (?, ?, 'api', 'generation', 'PROCESSING', 'gpt-image-2', 'gpt-image-2',"
                                + " 'sandbox', 'a long render', 1, '1024x1024', 'auto', 'png', 0, false, 1,"
                                + " 'another-node', ?, ?, ?)",
                        id,
                        workspaceId,
                        Timestamp.from(now.plus(Duration.ofHours(1))),
                        Timestamp.from(now),
                        Timestamp.from(now));
        return id;
    }

    static int platformThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isVirtual())
                .count();
    }
}
