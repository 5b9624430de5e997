package com.imagegate.web.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.ImagegateProperties;
import com.imagegate.account.Member;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.TaskEvent;
import com.imagegate.generation.TaskEventEmitters;
import com.imagegate.generation.TaskEvents;
import com.imagegate.web.StudioProperties;
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
 * card's script shows, counted in its own pool under {@code imagegate.studio.streams.*}. Another workspace's task, or
 * an unknown one, is 404 before anything is streamed; one stream over the workspace's cap is 429 (the card polls).
 */
@Controller
class StudioEventsController {

    private final TaskEvents events;
    private final JsonMapper json;
    private final StudioController.Files files;
    private final StudioProperties.Streams settings;

    StudioEventsController(
            TaskEvents events, JsonMapper json, ImagegateProperties properties, StudioProperties studio) {
        this.events = events;
        this.json = json;
        this.files = new StudioController.Files(properties.baseUrlString());
        this.settings = studio.streams();
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
        try {
            return TaskEventEmitters.open(
                    events,
                    member.workspace().id(),
                    id,
                    lastEventId,
                    settings.limits(),
                    event -> TaskEventEmitters.named(event, json.writeValueAsString(data(event))));
        } catch (GenerationException refused) {
            // Over the cap the card polls instead; an unknown task or anyone else's is 404.
            return ResponseEntity.status(refused.reason() == GenerationException.Reason.TOO_MANY_STREAMS ? 429 : 404)
                    .build();
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
}
