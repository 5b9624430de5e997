package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.api.OpenAiProperties;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.Generations;
import com.imagegate.generation.ImageFiles;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.TaskView;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * The OpenAI drop-in's answers, in the OpenAI Images API's shapes: a task's images ({@code b64_json} or {@code url}),
 * its failure, the timeout, and the refusals, each with the headers the OpenAI SDKs read ({@code x-should-retry},
 * {@code retry-after}, {@code retry-after-ms}). The wait for a task's end is a {@link DeferredResult} completed by
 * that end, so no thread is held while a request waits; only building the answer (reading the image for
 * {@code b64_json}) runs on a virtual thread.
 */
@Component
class OpenAiAnswers {

    static final String SHOULD_RETRY = "x-should-retry";
    /** The credits the answer's task was charged: the captured credits of a succeeded task, 0 for any other end. */
    static final String CREDITS_HEADER = "x-imagegate-credits";

    private static final Set<String> CONTENT_CODES =
            Set.of("moderation_blocked", "content_policy_violation", "content_filter", "safety_violation");
    private static final Set<String> INPUT_CODES =
            Set.of("invalid_image", "invalid_request", "invalid_value", "image_too_large", "unsupported_image");

    private final Generations generations;
    private final ImageFiles files;
    private final OpenAiProperties openai;
    private final ExecutorService answers = Executors.newVirtualThreadPerTaskExecutor();
    /** Answers with {@code b64_json} being written at once; more wait (on a virtual thread) for a permit. */
    private final Semaphore b64Answers;

    OpenAiAnswers(Generations generations, ImageFiles files, OpenAiProperties openai) {
        this.generations = generations;
        this.files = files;
        this.openai = openai;
        this.b64Answers = new Semaphore(openai.concurrentB64Answers(), true);
    }

    @PreDestroy
    void close() {
        answers.close();
    }

    /** OpenAI's {@code ImagesResponse}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ImagesResponse(
            long created,
            List<Datum> data,
            @JsonProperty("output_format") String outputFormat,
            String quality,
            String size) {}

    /** One image: inline ({@code b64_json}) or a signed link ({@code url}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Datum(
            @JsonProperty("b64_json") @JsonSerialize(using = StreamedBase64.Serializer.class)
            StreamedBase64 b64Json,

            String url,
            @JsonProperty("revised_prompt") String revisedPrompt) {}

    /**
     * The answer for an accepted task, completed once the task has ended or {@code openai.maxWait()} has passed (then
     * the task is canceled).
     *
     * @param idempotent whether the request had an Idempotency-Key (a failure then tells the SDK not to retry)
     */
    DeferredResult<Object> whenEnded(
            String workspaceId, String taskId, OpenAiImageRequests.Parsed parsed, boolean idempotent) {
        var result = new DeferredResult<Object>(openai.maxWait().plusSeconds(30).toMillis());
        var held = new HeldAnswer();
        // Once the answer is written (or the request ends otherwise), its files close and its permit is returned.
        result.onCompletion(held::release);
        result.onError(failure -> held.release());
        result.onTimeout(held::release);
        generations
                .awaitEnd(workspaceId, taskId, openai.maxWait())
                .thenApplyAsync(view -> answer(workspaceId, view, parsed, idempotent, true, held), answers)
                .whenComplete((answer, failure) -> {
                    if (failure != null) {
                        result.setErrorResult(
                                failure instanceof CompletionException && failure.getCause() != null
                                        ? failure.getCause()
                                        : failure);
                    } else {
                        result.setResult(answer);
                    }
                });
        return result;
    }

    /** The answer for a task as it is after the wait: its images, its failure, or a timeout (and its cancel). */
    private ResponseEntity<Object> answer(
            String workspaceId,
            TaskView task,
            OpenAiImageRequests.Parsed parsed,
            boolean idempotent,
            boolean cancelIfRunning,
            HeldAnswer held) {
        return switch (task.status()) {
            case SUCCEEDED ->
                withCredits(
                        succeeded(workspaceId, task, parsed, held),
                        task.creditsCaptured() == null ? task.credits() : task.creditsCaptured());
            case FAILED -> withCredits(failed(task, idempotent), 0);
            case CANCELED ->
                withCredits(
                        error(
                                409,
                                ApiError.invalidRequest(
                                        "The task was canceled (by a cancel call, or because it outlasted the wait limit);"
                                                + " its credits were released.",
                                        null,
                                        "task_canceled"),
                                false),
                        0);
            case PENDING, PROCESSING -> {
                if (!cancelIfRunning) {
                    yield error(500, ApiError.forStatus(500, "POST", null), true);
                }
                try {
                    generations.cancel(workspaceId, task.id());
                } catch (GenerationException ended) {
                    // It ended between the wait and the cancel: answer with how it ended.
                    yield answer(workspaceId, generations.get(workspaceId, task.id()), parsed, idempotent, false, held);
                }
                yield withCredits(
                        error(
                                504,
                                ApiError.of(
                                        "The image was not ready within "
                                                + openai.maxWait().toSeconds()
                                                + " s. The task was canceled and its credits released; try again.",
                                        ApiError.SERVER_ERROR,
                                        null,
                                        "timeout"),
                                false),
                        0);
            }
        };
    }

    /**
     * A turn among the {@code b64_json} writers for a stream's {@code completed} events (the same permits as the JSON
     * answers'), waiting up to {@code wait}; the returned action gives it back. Empty when no turn came in time.
     */
    Optional<Runnable> b64Turn(Duration wait) {
        try {
            if (!b64Answers.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        var given = new AtomicBoolean();
        return Optional.of(() -> {
            if (given.compareAndSet(false, true)) {
                b64Answers.release();
            }
        });
    }

    /** The answer with {@value #CREDITS_HEADER}: what its task was charged. */
    private static ResponseEntity<Object> withCredits(ResponseEntity<Object> answer, long credits) {
        return ResponseEntity.status(answer.getStatusCode())
                .headers(answer.getHeaders())
                .header(CREDITS_HEADER, String.valueOf(credits))
                .body(answer.getBody());
    }

    /**
     * A succeeded task's answer. With {@code b64_json} it first takes one of the permits for such answers (waiting up
     * to {@code b64-answer-wait}, else 503 {@code server_busy}, which an SDK retries without paying again); the files
     * are streamed into the JSON as it is written, and the permit returns when the request completes.
     */
    private ResponseEntity<Object> succeeded(
            String workspaceId, TaskView task, OpenAiImageRequests.Parsed parsed, HeldAnswer held) {
        if (parsed.responseFormat() == OpenAiImageRequests.ResponseFormat.B64_JSON) {
            try {
                if (!held.acquire(b64Answers, openai.b64AnswerWait())) {
                    return ResponseEntity.status(503)
                            .header("retry-after", "1")
                            .body(ApiError.of(
                                    "Too many images are being sent right now. Retry the request: its task is done"
                                            + " and a retry is not charged again.",
                                    ApiError.SERVER_ERROR,
                                    null,
                                    "server_busy"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to answer", e);
            }
        }
        return ResponseEntity.ok().body(images(workspaceId, task, parsed, held));
    }

    private ImagesResponse images(
            String workspaceId, TaskView task, OpenAiImageRequests.Parsed parsed, HeldAnswer held) {
        List<Datum> data = new ArrayList<>();
        for (int i = 0; i < task.images().size(); i++) {
            data.add(
                    parsed.responseFormat() == OpenAiImageRequests.ResponseFormat.URL
                            ? new Datum(null, task.images().get(i).url(), null)
                            : new Datum(
                                    held.keep(new StreamedBase64(files.open(workspaceId, task.id(), i))), null, null));
        }
        String size = task.size();
        if ("auto".equals(size) && !task.images().isEmpty()) {
            size = task.images().getFirst().width() + "x"
                    + task.images().getFirst().height();
        }
        return new ImagesResponse(task.createdAt().getEpochSecond(), data, task.outputFormat(), task.quality(), size);
    }

    /** A failed task as an OpenAI error; its credits were already released when it failed. */
    static ResponseEntity<Object> failed(TaskView task, boolean idempotent) {
        String code = task.error() == null ? "server_error" : task.error().code();
        String message =
                (task.error() == null ? "The task failed." : task.error().message()) + " Its credits were released.";
        if (CONTENT_CODES.contains(code) || INPUT_CODES.contains(code)) {
            return error(400, ApiError.invalidRequest(message, null, code), false);
        }
        if ("workspace_paused".equals(code)) {
            return error(403, ApiError.invalidRequest(message, null, code), false);
        }
        // A retry of a failed task makes a new task (this one was refunded); with an Idempotency-Key it would only
        // replay this failure, so then the SDK is told not to retry.
        return error(500, ApiError.of(message, ApiError.SERVER_ERROR, null, code), !idempotent);
    }

    private static ResponseEntity<Object> error(int status, ApiError error, boolean retryable) {
        var response = ResponseEntity.status(status);
        if (!retryable) {
            response.header(SHOULD_RETRY, "false");
        }
        return response.body(error);
    }

    /** A request refused as invalid: 400 (413 when too large), not to be retried. */
    static ResponseEntity<Object> invalid(InvalidRequestException invalid) {
        int status = "payload_too_large".equals(invalid.code()) ? 413 : 400;
        return error(status, ApiError.invalidRequest(invalid.getMessage(), invalid.param(), invalid.code()), false);
    }

    /** A refusal of the generation path, with the status, code and headers the OpenAI API gives the like. */
    static ResponseEntity<Object> refused(GenerationException refused) {
        return switch (refused.reason()) {
            case INSUFFICIENT_QUOTA, KEY_CAP_REACHED ->
                error(429, ApiError.of(refused.getMessage(), "insufficient_quota", null, "insufficient_quota"), false);
            case MAX_CREDITS_EXCEEDED ->
                error(400, ApiError.invalidRequest(refused.getMessage(), null, "max_credits_exceeded"), false);
            case USER_QUOTA_EXCEEDED -> {
                // A day's quota: the SDK must not retry in a loop (x-should-retry: false); retry-after says when.
                long seconds = refused.retryAfter() == null
                        ? 1
                        : Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000);
                yield ResponseEntity.status(429)
                        .header("retry-after", String.valueOf(seconds))
                        .header(SHOULD_RETRY, "false")
                        .body(ApiError.of(refused.getMessage(), "insufficient_quota", "user", "user_quota_exceeded"));
            }
            case TOO_MANY_CONCURRENT_TASKS -> {
                long millis = refused.retryAfter() == null
                        ? 1000
                        : refused.retryAfter().toMillis();
                yield ResponseEntity.status(429)
                        .header("retry-after", String.valueOf(Math.max(1, (millis + 999) / 1000)))
                        .header("retry-after-ms", String.valueOf(millis))
                        .body(ApiError.of(refused.getMessage(), "requests", null, "rate_limit_exceeded"));
            }
            case IDEMPOTENCY_CONFLICT ->
                error(
                        409,
                        ApiError.invalidRequest(refused.getMessage(), "Idempotency-Key", "idempotency_conflict"),
                        false);
            case NOT_FOUND -> error(404, ApiError.invalidRequest(refused.getMessage(), null, "not_found"), false);
            case ALREADY_FINISHED ->
                error(409, ApiError.invalidRequest(refused.getMessage(), null, "task_already_finished"), false);
            case CONTENT_POLICY_VIOLATION ->
                error(400, ApiError.invalidRequest(refused.getMessage(), "prompt", "content_policy_violation"), false);
            case WORKSPACE_PAUSED ->
                error(403, ApiError.invalidRequest(refused.getMessage(), null, "workspace_paused"), false);
            case MODERATION_UNAVAILABLE -> {
                long millis = refused.retryAfter() == null
                        ? 30_000
                        : refused.retryAfter().toMillis();
                yield ResponseEntity.status(503)
                        .header("retry-after", String.valueOf(Math.max(1, (millis + 999) / 1000)))
                        .header("retry-after-ms", String.valueOf(millis))
                        .body(ApiError.of(refused.getMessage(), ApiError.SERVER_ERROR, null, "moderation_unavailable"));
            }
            case TOO_MANY_STREAMS ->
                error(429, ApiError.of(refused.getMessage(), "requests", null, "too_many_streams"), false);
        };
    }

    /** Refusals made with the API's own exception (rate limits): the SDK headers added. */
    static ResponseEntity<Object> refused(ApiException refused) {
        var response = ResponseEntity.status(refused.status());
        refused.headers().forEach(response::header);
        if (refused.status() == 429) {
            String seconds = refused.headers().getOrDefault("Retry-After", "1");
            response.header("retry-after-ms", String.valueOf(Long.parseLong(seconds) * 1000));
        } else if (refused.status() < 500 && refused.status() != 408) {
            response.header(SHOULD_RETRY, "false");
        }
        return response.body(refused.error());
    }

    /** Upload limits (spring.servlet.multipart.max-file-size and max-request-size), met while the parts are read. */
    static ResponseEntity<Object> tooLarge() {
        return error(
                413,
                ApiError.invalidRequest(
                        "The upload is too large: a file or the whole request is over this server's upload limits.",
                        null,
                        "payload_too_large"),
                false);
    }

    /** The images and permit an answer holds until it is written; released once, whichever way the request ends. */
    private static final class HeldAnswer {

        private final List<StreamedBase64> files = new ArrayList<>();
        private Semaphore permits;
        private boolean released;

        synchronized boolean acquire(Semaphore semaphore, Duration wait) throws InterruptedException {
            if (released) {
                return false;
            }
            if (!semaphore.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            permits = semaphore;
            return true;
        }

        synchronized StreamedBase64 keep(StreamedBase64 file) {
            if (released) {
                file.close();
            } else {
                files.add(file);
            }
            return file;
        }

        synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            files.forEach(StreamedBase64::close);
            if (permits != null) {
                permits.release();
            }
        }
    }
}
