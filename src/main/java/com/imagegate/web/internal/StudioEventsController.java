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

    @GetMapping("/app/studio/tasks/{id}/events")
    ResponseEntity<SseEmitter> events(
            Member member,
            @PathVariable String id,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        var emitter = new SseEmitter(MAX_DURATION.toMillis());
        try {
            var stream = events.open(member.workspace().id(), id, lastEventId, HEARTBEAT, new Sink(emitter));
            if (stream.isEmpty()) {
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
            return ResponseEntity.notFound().build();
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

        Sink(SseEmitter emitter) {
            this.emitter = emitter;
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
            try {
                emitter.complete();
            } catch (RuntimeException alreadyOver) {
                // the request has ended already (timeout, or the client left)
            }
        }
    }
}
