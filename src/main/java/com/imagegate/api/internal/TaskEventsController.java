package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.api.ApiProperties;
import com.imagegate.apikey.ApiKeyPrincipal;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.TaskBody;
import com.imagegate.generation.TaskEvent;
import com.imagegate.generation.TaskEventEmitters;
import com.imagegate.generation.TaskEvents;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task's live events as Server-Sent Events (docs/api.md, "Task events"). Everything that can refuse the request (the
 * read limit, the open-stream cap counted by {@link TaskEvents}, an unknown or another workspace's task) answers a JSON
 * error before the stream starts; then the stream is Spring MVC async ({@link TaskEventEmitters}), written by the
 * generation module's watcher, with no thread held here.
 */
@RestController
class TaskEventsController {

    private final TaskEvents events;
    private final RequestRateLimiter limiter;
    private final ApiProperties properties;
    private final ApiErrorWriter errors;
    private final JsonMapper json;

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
        try {
            ImagesController.readLimit(limiter, properties, key, response);
            return TaskEventEmitters.open(
                    events,
                    key.workspaceId(),
                    id,
                    lastEventId,
                    properties.streams().limits(),
                    this::event);
        } catch (ApiException refused) {
            refused.headers().forEach(response::setHeader);
            errors.write(response, refused.status(), refused.error());
        } catch (GenerationException refused) {
            if (refused.reason() == GenerationException.Reason.TOO_MANY_STREAMS) {
                errors.write(response, 429, ApiError.of(refused.getMessage(), "requests", null, "too_many_streams"));
            } else {
                errors.write(response, 404, ApiError.invalidRequest(refused.getMessage(), null, "not_found"));
            }
        }
        return null;
    }

    private SseEmitter.SseEventBuilder event(TaskEvent event) {
        Object data = switch (event.kind()) {
            case QUEUE -> new QueueData(event.queue().position(), event.queue().etaSeconds());
            case PARTIAL_IMAGE ->
                new PartialData(event.partial().index(), event.partial().url());
            default -> TaskBody.of(event.task());
        };
        return TaskEventEmitters.named(event, json.writeValueAsString(data));
    }
}
