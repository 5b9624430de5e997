package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.api.ApiProperties;
import com.imagegate.api.OpenAiProperties;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.Generations;
import com.imagegate.generation.ImageFiles;
import com.imagegate.generation.TaskEvent;
import com.imagegate.generation.TaskEventLimits;
import com.imagegate.generation.TaskEventPlace;
import com.imagegate.generation.TaskEventSink;
import com.imagegate.generation.TaskEventStream;
import com.imagegate.generation.TaskEvents;
import com.imagegate.generation.TaskView;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * The drop-in's {@code stream: true} answers (docs/api.md, "Streaming"): OpenAI's image streaming events, {@code
 * image_generation.partial_image} / {@code image_generation.completed} ({@code image_edit.*} for edits), written from
 * the generation module's {@link TaskEvents} stream of the accepted task. Nothing waits on a thread: the task's watcher
 * writes each event on a virtual thread as it happens, and images are base64-encoded from their files as they are
 * written. A failed, canceled or timed-out task ends the stream with an {@code error} event (its credits were
 * released). A client that leaves only ends the stream: the task is paid and accepted, so it runs to its end and stays
 * in the task list and the gallery.
 */
@Component
class OpenAiStreams {

    private static final Logger log = LoggerFactory.getLogger(OpenAiStreams.class);

    private final TaskEvents events;
    private final Generations generations;
    private final ImageFiles files;
    private final ApiProperties api;
    private final OpenAiProperties openai;
    private final OpenAiAnswers answers;

    OpenAiStreams(
            TaskEvents events,
            Generations generations,
            ImageFiles files,
            ApiProperties api,
            OpenAiProperties openai,
            OpenAiAnswers answers) {
        this.events = events;
        this.generations = generations;
        this.files = files;
        this.api = api;
        this.openai = openai;
        this.answers = answers;
    }

    /** An image event: {@code *.partial_image} (with its index) or {@code *.completed} (with {@code usage}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ImageEvent(
            String type,

            @JsonProperty("b64_json") @JsonSerialize(using = StreamedBase64.Serializer.class)
            StreamedBase64 b64Json,

            String url,
            @JsonProperty("created_at") long createdAt,
            String size,
            String quality,
            String background,
            @JsonProperty("output_format") String outputFormat,
            @JsonProperty("partial_image_index") Integer partialImageIndex,
            Usage usage) {}

    /**
     * OpenAI's token usage, which its {@code completed} events carry. We count credits, not tokens: every count is 0
     * (what the image cost is the task's {@code credits_captured}).
     */
    record Usage(
            @JsonProperty("input_tokens") long inputTokens,
            @JsonProperty("input_tokens_details") InputDetails inputTokensDetails,
            @JsonProperty("output_tokens") long outputTokens,
            @JsonProperty("total_tokens") long totalTokens) {

        static final Usage NONE = new Usage(0, new InputDetails(0, 0), 0, 0);
    }

    record InputDetails(
            @JsonProperty("text_tokens") long textTokens,
            @JsonProperty("image_tokens") long imageTokens) {}

    /** The {@code error} event: {@code {"type":"error","error":{message, type, param, code}}}. */
    record ErrorEvent(String type, ApiError.Body error) {

        static ErrorEvent of(ApiError error) {
            return new ErrorEvent("error", error.error());
        }
    }

    /**
     * Takes a place under the workspace's stream cap (the API's pool, {@code imagegate.api.streams.max-per-workspace})
     * before the task is accepted, so a refused stream makes no task. The place lasts as long as the drop-in may wait
     * for the task.
     *
     * @throws GenerationException {@link GenerationException.Reason#TOO_MANY_STREAMS}
     */
    TaskEventPlace hold(String workspaceId) {
        var streams = api.streams();
        return events.hold(
                workspaceId,
                new TaskEventLimits(
                        streams.limits().pool(), streams.maxPerWorkspace(), streams.heartbeat(), streamDuration()));
    }

    /** Longer than the task may run (max-wait, then it is canceled and the stream ends with the timeout's error). */
    private Duration streamDuration() {
        return openai.maxWait().plus(api.streams().heartbeat()).plusSeconds(30);
    }

    /**
     * Opens the stream of an accepted task on a place {@linkplain #hold held} for it; the stream gives the place back
     * when it ends (and so does {@link TaskEvents} when nothing opens).
     */
    SseEmitter open(
            String workspaceId, TaskView task, OpenAiImageRequests.Parsed parsed, boolean edit, TaskEventPlace place) {
        var emitter = new SseEmitter(streamDuration().plusSeconds(5).toMillis());
        var sink = new Sink(emitter, workspaceId, parsed, edit ? "image_edit" : "image_generation");
        Optional<TaskEventStream> stream = events.open(workspaceId, task.id(), null, place, sink);
        if (stream.isEmpty()) {
            // Not for a null Last-Event-ID (the current state is always sent); kept total.
            sink.ended(null);
            return emitter;
        }
        TaskEventStream open = stream.get();
        emitter.onTimeout(open::close);
        emitter.onError(failure -> open.close());
        emitter.onCompletion(() -> {
            open.close();
            sink.closeFiles();
        });
        // The drop-in's wait limit, as without stream: a task still running after max-wait is canceled (credits
        // released) and the stream ends with a 'timeout' error. The future holds no thread while it waits.
        generations.awaitEnd(workspaceId, task.id(), openai.maxWait()).thenAccept(now -> {
            if (!now.status().isFinal()) {
                sink.timedOut.set(true);
                try {
                    generations.cancel(workspaceId, task.id());
                } catch (GenerationException ended) {
                    sink.timedOut.set(false); // it ended meanwhile: its own end is sent
                } catch (RuntimeException e) {
                    log.warn("Could not cancel the timed-out task {}: {}", task.id(), e.toString());
                }
            }
        });
        return emitter;
    }

    /** Writes OpenAI's events for one task's {@link TaskEvents} stream; called one at a time on a virtual thread. */
    private final class Sink implements TaskEventSink {

        private final SseEmitter emitter;
        private final String workspaceId;
        private final OpenAiImageRequests.Parsed parsed;
        private final String prefix;
        private final AtomicBoolean timedOut = new AtomicBoolean();
        private final AtomicBoolean ended = new AtomicBoolean();
        /** The task as its last event with a body showed it (the first event of a stream always has one). */
        private final AtomicReference<TaskView> task = new AtomicReference<>();

        private final List<StreamedBase64> opened = new ArrayList<>();
        private boolean finalSent;

        Sink(SseEmitter emitter, String workspaceId, OpenAiImageRequests.Parsed parsed, String prefix) {
            this.emitter = emitter;
            this.workspaceId = workspaceId;
            this.parsed = parsed;
            this.prefix = prefix;
        }

        @Override
        public void send(TaskEvent event) throws IOException {
            if (event.task() != null) {
                task.set(event.task());
            }
            switch (event.kind()) {
                // OpenAI's stream has no status events: a comment (ignored by SSE clients) says where the task is.
                case STATUS -> comment(event.task().status().name().toLowerCase(Locale.ROOT));
                case QUEUE -> comment("queued, position " + event.queue().position());
                case PARTIAL_IMAGE -> partial(event);
                case COMPLETED -> completed(event.task());
                case FAILED -> {
                    finalSent = true;
                    error(ApiErrorBodies.failed(event.task()));
                }
                case CANCELED -> {
                    finalSent = true;
                    error(timedOut.get() ? ApiErrorBodies.timeout(openai.maxWait()) : ApiErrorBodies.canceled());
                }
            }
        }

        private void partial(TaskEvent event) throws IOException {
            TaskView task = this.task.get();
            StreamedBase64 b64 = null;
            String url = null;
            if (parsed.responseFormat() == OpenAiImageRequests.ResponseFormat.URL) {
                url = event.partial().url();
            } else {
                try {
                    b64 = keep(new StreamedBase64(files.openPartial(
                            workspaceId, task.id(), event.partial().index())));
                } catch (GenerationException gone) {
                    return; // swept already (a stream resumed long after): a preview is not owed
                }
            }
            send(new ImageEvent(
                    prefix + ".partial_image",
                    b64,
                    url,
                    Instant.now().getEpochSecond(),
                    task.size(),
                    task.quality(),
                    "opaque",
                    task.outputFormat(),
                    event.partial().index(),
                    null));
        }

        /** One {@code completed} event per delivered image, each streamed from its file. */
        private void completed(TaskView task) throws IOException {
            String size = task.size();
            if ("auto".equals(size) && !task.images().isEmpty()) {
                size = task.images().getFirst().width() + "x"
                        + task.images().getFirst().height();
            }
            var permit = parsed.responseFormat() == OpenAiImageRequests.ResponseFormat.B64_JSON
                    ? answers.b64Turn(openai.maxWait())
                    : Optional.<Runnable>of(() -> {});
            if (permit.isEmpty()) {
                finalSent = true;
                error(ApiError.of(
                        "Too many images are being sent right now. The image is done and paid: fetch it with GET"
                                + " /api/v1/images/tasks/" + task.id() + ".",
                        ApiError.SERVER_ERROR,
                        null,
                        "server_busy"));
                return;
            }
            try {
                for (int i = 0; i < task.images().size(); i++) {
                    StreamedBase64 b64 = null;
                    String url = null;
                    if (parsed.responseFormat() == OpenAiImageRequests.ResponseFormat.URL) {
                        url = task.images().get(i).url();
                    } else {
                        b64 = keep(new StreamedBase64(files.open(workspaceId, task.id(), i)));
                    }
                    send(new ImageEvent(
                            prefix + ".completed",
                            b64,
                            url,
                            Instant.now().getEpochSecond(),
                            size,
                            task.quality(),
                            "opaque",
                            task.outputFormat(),
                            null,
                            Usage.NONE));
                }
                finalSent = true;
            } finally {
                permit.get().run();
            }
        }

        private void send(ImageEvent event) throws IOException {
            emitter.send(SseEmitter.event().name(event.type()).data(event, MediaType.APPLICATION_JSON));
        }

        private void error(ApiError error) throws IOException {
            emitter.send(SseEmitter.event().name("error").data(ErrorEvent.of(error), MediaType.APPLICATION_JSON));
        }

        private void comment(String text) throws IOException {
            emitter.send(SseEmitter.event().comment(" " + text));
        }

        private synchronized StreamedBase64 keep(StreamedBase64 file) {
            if (ended.get()) {
                file.close();
            } else {
                opened.add(file);
            }
            return file;
        }

        private String taskId() {
            TaskView seen = task.get();
            return seen == null ? "{id}" : seen.id();
        }

        @Override
        public void heartbeat() throws IOException {
            emitter.send(SseEmitter.event().comment(" ping"));
        }

        @Override
        public void ended(Throwable failure) {
            if (failure == null && !finalSent) {
                // Closed before the task ended (this node shuts down): say so; the task goes on and can be read.
                try {
                    error(ApiError.of(
                            "The stream was closed before the task ended (the server is restarting). The task goes on:"
                                    + " read it with GET /api/v1/images/tasks/" + taskId() + ".",
                            ApiError.SERVER_ERROR,
                            null,
                            "stream_closed"));
                } catch (IOException | RuntimeException gone) {
                    // the client left first
                }
            }
            try {
                emitter.complete();
            } catch (RuntimeException alreadyOver) {
                // the request has ended already (the client left, or its time is up)
            }
            synchronized (this) {
                ended.set(true);
            }
        }

        /** The files opened for events, closed once the response is over (also when they were never written). */
        synchronized void closeFiles() {
            ended.set(true);
            opened.forEach(StreamedBase64::close);
            opened.clear();
        }
    }

    /** Shorthand for the {@code error} events' bodies, the same as the drop-in's JSON errors. */
    private static final class ApiErrorBodies {

        static ApiError failed(TaskView task) {
            return (ApiError) OpenAiAnswers.failed(task, true).getBody();
        }

        static ApiError canceled() {
            return ApiError.invalidRequest(
                    "The task was canceled (by a cancel call); its credits were released.", null, "task_canceled");
        }

        static ApiError timeout(Duration maxWait) {
            return ApiError.of(
                    "The image was not ready within " + maxWait.toSeconds()
                            + " s. The task was canceled and its credits released; try again.",
                    ApiError.SERVER_ERROR,
                    null,
                    "timeout");
        }
    }
}
