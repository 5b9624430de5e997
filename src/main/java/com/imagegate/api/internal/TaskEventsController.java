package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.api.ApiProperties;
import com.imagegate.apikey.ApiKeyPrincipal;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.TaskBody;
import com.imagegate.generation.TaskEvent;
import com.imagegate.generation.TaskEventSink;
import com.imagegate.generation.TaskEvents;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task's live events as Server-Sent Events (docs/api.md, "Task events"). Everything that can refuse the request (the
 * read limit, the open-stream cap, an unknown or another workspace's task) answers a JSON error before the stream
 * starts; then the stream is Spring MVC async, written by the generation module's watcher, with no thread held here.
 */
@RestController
class TaskEventsController {

    private final TaskEvents events;
    private final RequestRateLimiter limiter;
    private final ApiProperties properties;
    private final ApiErrorWriter errors;
    private final JsonMapper json;
    private final Map<String, AtomicInteger> openByWorkspace = new ConcurrentHashMap<>();

    TaskEventsController(
            TaskEvents events,
            RequestRateLimiter limiter,
            ApiProperties properties,
            ApiErrorWriter errors,
            JsonMapper json) {
        this.events = events;
        this.limiter = limiter;
        this.properties = properties;
        this.errors = errors;
        this.json = json;
    }

    /** The {@code data} of a {@code partial_image} event: which partial (from 0) and its signed link. */
    record PartialData(int index, String url) {}

    /** The {@code data} of a {@code queue} event. */
    record QueueData(
            int position,

            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("eta_seconds")
            Long etaSeconds) {}

    @GetMapping("/api/v1/images/tasks/{id}/events")
    ResponseEntity<SseEmitter> events(
            ApiKeyAuthentication caller,
            @PathVariable String id,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            HttpServletResponse response)
            throws IOException {
        ApiKeyPrincipal key = caller.getPrincipal();
        var settings = properties.streams();
        Runnable release = null;
        try {
            ImagesController.readLimit(limiter, properties, key, response);
            release = hold(key.workspaceId(), settings.maxPerWorkspace());
            var emitter = new SseEmitter(settings.maxDuration().toMillis());
            var stream = events.open(
                    key.workspaceId(), id, lastEventId, settings.heartbeat(), new EmitterSink(emitter, release));
            if (stream.isEmpty()) {
                // The caller has seen the final event: 204 tells an EventSource to stop reconnecting.
                release.run();
                return ResponseEntity.noContent().build();
            }
            emitter.onTimeout(stream.get()::close);
            emitter.onError(failure -> stream.get().close());
            emitter.onCompletion(stream.get()::close);
            return ResponseEntity.ok()
                    .header("Cache-Control", "no-store")
                    .header("X-Accel-Buffering", "no")
                    .body(emitter);
        } catch (ApiException refused) {
            refused.headers().forEach(response::setHeader);
            errors.write(response, refused.status(), refused.error());
        } catch (GenerationException notFound) {
            if (release != null) {
                release.run();
            }
            errors.write(response, 404, ApiError.invalidRequest(notFound.getMessage(), null, "not_found"));
        } catch (RuntimeException failure) {
            if (release != null) {
                release.run();
            }
            throw failure;
        }
        return null;
    }

    /**
     * Counts a stream against the workspace's cap on this node (task event streams and the drop-in's {@code stream:
     * true} answers alike); the returned action gives it back, once.
     *
     * @throws ApiException 429 {@code too_many_streams} when the workspace holds {@code max} already
     */
    Runnable hold(String workspaceId, int max) {
        AtomicInteger open = openByWorkspace.computeIfAbsent(workspaceId, ws -> new AtomicInteger());
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            throw new ApiException(
                    429,
                    ApiError.of(
                            "Too many open task event streams: " + max
                                    + " per workspace. Close a stream (or wait for its task to end) first.",
                            "requests",
                            null,
                            "too_many_streams"));
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        };
    }

    /** Open streams of a workspace on this node. */
    int open(String workspaceId) {
        var open = openByWorkspace.get(workspaceId);
        return open == null ? 0 : open.get();
    }

    /** Writes a stream's events to its emitter; the watcher calls it on a virtual thread, one call at a time. */
    private final class EmitterSink implements TaskEventSink {

        private final SseEmitter emitter;
        private final Runnable release;

        EmitterSink(SseEmitter emitter, Runnable release) {
            this.emitter = emitter;
            this.release = release;
        }

        @Override
        public void send(TaskEvent event) throws IOException {
            Object data = switch (event.kind()) {
                case QUEUE ->
                    new QueueData(event.queue().position(), event.queue().etaSeconds());
                case PARTIAL_IMAGE ->
                    new PartialData(event.partial().index(), event.partial().url());
                default -> TaskBody.of(event.task());
            };
            emitter.send(SseEmitter.event()
                    .id(event.id())
                    .name(event.kind().wireValue())
                    .data(json.writeValueAsString(data)));
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
