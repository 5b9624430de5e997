package com.imagegate.generation;

import java.io.IOException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A {@link TaskEvents} stream written as Spring MVC Server-Sent Events: the one adapter the API's, the studio's (and
 * any other) event endpoints share. The request's thread is let go as soon as the stream is open (Spring MVC async);
 * the generation module's watcher writes the events from a virtual thread.
 */
public final class TaskEventEmitters {

    private TaskEventEmitters() {}

    /** What a caller sends for each event; its own data shape, its own event names. */
    @FunctionalInterface
    public interface EventWriter {

        /** The SSE event for this task event, or null to send nothing for it. */
        SseEmitter.SseEventBuilder event(TaskEvent event) throws IOException;
    }

    /**
     * Opens a stream of a workspace's task as an {@link SseEmitter} response: 200 {@code text/event-stream} (not cached,
     * not buffered by nginx), or 204 when the caller has already seen the task's final event (an {@code EventSource}
     * stops reconnecting). The emitter's end (timeout, error, the client gone, the final event) closes the stream, which
     * gives its place under the cap back once.
     *
     * @throws GenerationException before anything is sent: {@link GenerationException.Reason#TOO_MANY_STREAMS} or
     *     {@link GenerationException.Reason#NOT_FOUND}, as {@link TaskEvents#open}
     */
    public static ResponseEntity<SseEmitter> open(
            TaskEvents events,
            String workspaceId,
            String taskId,
            String lastEventId,
            TaskEventLimits limits,
            EventWriter writer) {
        var emitter = new SseEmitter(limits.maxDuration().toMillis());
        var stream = events.open(workspaceId, taskId, lastEventId, limits, new EmitterSink(emitter, writer));
        if (stream.isEmpty()) {
            return ResponseEntity.noContent().build();
        }
        emitter.onTimeout(stream.get()::close);
        emitter.onError(failure -> stream.get().close());
        emitter.onCompletion(stream.get()::close);
        return ResponseEntity.ok()
                .header("Cache-Control", "no-store")
                .header("X-Accel-Buffering", "no")
                .body(emitter);
    }

    /** An event with the task event's id and name ({@link TaskEvent.Kind#wireValue()}) and this JSON as its data. */
    public static SseEmitter.SseEventBuilder named(TaskEvent event, String json) {
        return SseEmitter.event().id(event.id()).name(event.kind().wireValue()).data(json);
    }

    /** Writes a stream's events to its emitter, one call at a time, from the watcher's virtual thread. */
    static final class EmitterSink implements TaskEventSink {

        private final SseEmitter emitter;
        private final EventWriter writer;

        EmitterSink(SseEmitter emitter, EventWriter writer) {
            this.emitter = emitter;
            this.writer = writer;
        }

        @Override
        public void send(TaskEvent event) throws IOException {
            var sse = writer.event(event);
            if (sse != null) {
                emitter.send(sse);
            }
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
