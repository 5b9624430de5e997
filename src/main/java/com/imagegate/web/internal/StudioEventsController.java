package com.imagegate.web.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.ImagegateProperties;
import com.imagegate.account.Member;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.TaskEvent;
import com.imagegate.generation.TaskEventSink;
import com.imagegate.generation.TaskEvents;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A studio card's live events (README, "Live task cards"): the same stream as the API's task events (the generation module's
 * {@link TaskEvents}), opened with the signed-in session and scoped to the member's workspace, with the small data the
 * card's script shows. Another workspace's task, or an unknown one, is 404 before anything is streamed.
 */
@Controller
class StudioEventsController {

    /** As the API's defaults (docs/api.md, "Heartbeat"): a ping when silent this long, closed after this long. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    static final Duration MAX_DURATION = Duration.ofMinutes(30);

    /** Open studio streams a workspace may hold on one node, as the API's default; more are 429 (the card polls). */
    static final int MAX_PER_WORKSPACE = 100;

    private final Map<String, AtomicInteger> openByWorkspace = new ConcurrentHashMap<>();

    private final TaskEvents events;
    private final JsonMapper json;
    private final StudioController.Files files;

    StudioEventsController(TaskEvents events, JsonMapper json, ImagegateProperties properties) {
        this.events = events;
        this.json = json;
        this.files = new StudioController.Files(properties.baseUrlString());
    }

    /**
     * What the card needs of an event.
     *
     * @param status the task's status ({@code status} and final events)
     * @param startedAt when it began rendering, epoch seconds, or null
     * @param position its place in the queue ({@code queue}), or null
     * @param etaSeconds the estimate ({@code queue}), or null
     * @param index a partial image's index ({@code partial_image}), or null
     * @param url a partial image's signed link as a same-origin path ({@code partial_image}), or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CardEvent(
            String status,
            @JsonProperty("started_at") Long startedAt,
            Integer position,
            @JsonProperty("eta_seconds") Long etaSeconds,
            Integer index,
            String url) {}

    /** Open studio streams of a workspace on this node. */
    int open(String workspaceId) {
        var open = openByWorkspace.get(workspaceId);
        return open == null ? 0 : open.get();
    }

    @GetMapping("/app/studio/tasks/{id}/events")
    ResponseEntity<SseEmitter> events(
            Member member,
            @PathVariable String id,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        String workspaceId = member.workspace().id();
        AtomicInteger open = openByWorkspace.computeIfAbsent(workspaceId, ws -> new AtomicInteger());
        if (open.incrementAndGet() > MAX_PER_WORKSPACE) {
            open.decrementAndGet();
            return ResponseEntity.status(429).build();
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        };
        var emitter = new SseEmitter(MAX_DURATION.toMillis());
        try {
            var stream = events.open(workspaceId, id, lastEventId, HEARTBEAT, new Sink(emitter, release));
            if (stream.isEmpty()) {
                release.run();
                return ResponseEntity.noContent().build(); // seen the end: an EventSource stops reconnecting
            }
            emitter.onTimeout(stream.get()::close);
            emitter.onError(failure -> stream.get().close());
            emitter.onCompletion(stream.get()::close);
            return ResponseEntity.ok()
                    .header("Cache-Control", "no-store")
                    .header("X-Accel-Buffering", "no")
                    .body(emitter);
        } catch (GenerationException notFound) {
            release.run();
            return ResponseEntity.notFound().build();
        } catch (RuntimeException failure) {
            release.run();
            throw failure;
        }
    }

    private CardEvent data(TaskEvent event) {
        return switch (event.kind()) {
            case QUEUE ->
                new CardEvent(
                        null, null, event.queue().position(), event.queue().etaSeconds(), null, null);
            case PARTIAL_IMAGE ->
                new CardEvent(
                        null,
                        null,
                        null,
                        null,
                        event.partial().index(),
                        files.path(event.partial().url()));
            default -> {
                var task = event.task();
                var queue = task.queue();
                yield new CardEvent(
                        task.status().wireValue(),
                        task.startedAt() == null ? null : task.startedAt().getEpochSecond(),
                        queue == null ? null : queue.position(),
                        queue == null ? null : queue.etaSeconds(),
                        null,
                        null);
            }
        };
    }

    /** Writes the stream's events to the emitter; a client that left ends it quietly. */
    private final class Sink implements TaskEventSink {

        private final SseEmitter emitter;
        private final Runnable release;

        Sink(SseEmitter emitter, Runnable release) {
            this.emitter = emitter;
            this.release = release;
        }

        @Override
        public void send(TaskEvent event) throws IOException {
            emitter.send(SseEmitter.event()
                    .id(event.id())
                    .name(event.kind().wireValue())
                    .data(json.writeValueAsString(data(event))));
        }

        @Override
        public void heartbeat() throws IOException {
            emitter.send(SseEmitter.event().comment(" ping"));
        }

        @Override
        public void ended(Throwable failure) {
            release.run();
            try {
                emitter.complete();
            } catch (RuntimeException alreadyOver) {
                // the request has ended already (timeout, or the client left)
            }
        }
    }
}
