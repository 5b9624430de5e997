package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.api.ApiProperties;
import com.imagegate.api.OpenAiProperties;
import com.imagegate.billing.CurrentPlan;
import com.imagegate.generation.Caller;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.Generations;
import com.imagegate.generation.ImageFiles;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ImageInput;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.TaskView;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.util.WebUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAI drop-in (docs/api.md, "The OpenAI drop-in"): {@code POST /v1/images/generations} and
 * {@code /v1/images/edits} in the OpenAI Images API's shapes, synchronous. Each request accepts a task through the one
 * generation path (same prices, credits, limits, ledger and refunds as {@code /api/v1}) and answers when the task
 * ends. The wait is a {@link DeferredResult} completed by the task's end, so no thread is held while a request waits;
 * only building the answer (reading the image for {@code b64_json}) runs on a virtual thread.
 */
@RestController
class OpenAiImagesController {

    static final String TASK_HEADER = "x-imagegate-task-id";
    static final String SHOULD_RETRY = "x-should-retry";
    static final int MAX_IMAGES = 16;
    private static final Set<String> CONTENT_CODES =
            Set.of("moderation_blocked", "content_policy_violation", "content_filter", "safety_violation");
    private static final Set<String> INPUT_CODES =
            Set.of("invalid_image", "invalid_request", "invalid_value", "image_too_large", "unsupported_image");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final Generations generations;
    private final ImageFiles files;
    private final ImagesController images;
    private final ApiProperties api;
    private final OpenAiProperties openai;
    private final ImageGuard guard;
    private final ExecutorService answers = Executors.newVirtualThreadPerTaskExecutor();
    /** Answers with {@code b64_json} being written at once; more wait (on a virtual thread) for a permit. */
    private final Semaphore b64Answers;

    OpenAiImagesController(
            Generations generations,
            ImageFiles files,
            ImagesController images,
            ApiProperties api,
            OpenAiProperties openai,
            ImageGuard guard) {
        this.generations = generations;
        this.files = files;
        this.images = images;
        this.api = api;
        this.openai = openai;
        this.guard = guard;
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

    @PostMapping("/v1/images/generations")
    DeferredResult<ResponseEntity<Object>> generate(
            ApiKeyAuthentication caller,
            @RequestBody(required = false) byte[] body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestHeader(name = "X-Stainless-Retry-Count", required = false) String retryCount,
            HttpServletResponse response) {
        checkIdempotencyKey(idempotencyKey);
        // Every request counts against the plan's rate limit before its body is looked at, an SDK's retry too.
        CurrentPlan plan = images.limit(caller, response);
        if (body == null || body.length == 0) {
            throw new InvalidRequestException(null, "invalid_json", "The request body must be a JSON object.");
        }
        if (body.length > api.maxBodyBytes()) {
            throw new InvalidRequestException(
                    null, "payload_too_large", "The request body is larger than " + api.maxBodyBytes() + " bytes.");
        }
        var parsed = OpenAiImageRequests.generation(readJson(body));
        var digest = digest("POST /v1/images/generations");
        digest.update(body);
        String hash = HexFormat.of().formatHex(digest.digest());
        return run(caller, plan, parsed, List.of(), null, hash, idempotencyKey, retryCount, response);
    }

    @PostMapping("/v1/images/edits")
    DeferredResult<ResponseEntity<Object>> edit(
            ApiKeyAuthentication caller,
            HttpServletRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestHeader(name = "X-Stainless-Retry-Count", required = false) String retryCount,
            HttpServletResponse response) {
        checkIdempotencyKey(idempotencyKey);
        // Counted before the parts are read (multipart is resolved lazily): a caller over its limit costs no upload.
        CurrentPlan plan = images.limit(caller, response);
        var multipart = WebUtils.getNativeRequest(request, MultipartHttpServletRequest.class);
        if (multipart == null) {
            throw new InvalidRequestException(
                    null,
                    "invalid_request",
                    "Send the edit as multipart/form-data with the image file(s) in 'image' (or 'image[]').");
        }
        Map<String, String> fields = new TreeMap<>();
        for (var field : multipart.getParameterMap().entrySet()) {
            if (field.getValue().length != 1) {
                throw new InvalidRequestException(
                        field.getKey(), "invalid_value", field.getKey() + " must be given once.");
            }
            fields.put(field.getKey(), field.getValue()[0]);
        }
        List<MultipartFile> uploads = new ArrayList<>();
        MultipartFile mask = null;
        for (var part : multipart.getMultiFileMap().entrySet()) {
            switch (part.getKey()) {
                case "image", "image[]" -> uploads.addAll(part.getValue());
                case "mask" -> {
                    if (part.getValue().size() != 1) {
                        throw new InvalidRequestException("mask", "invalid_value", "Send at most one mask.");
                    }
                    mask = part.getValue().getFirst();
                }
                default ->
                    throw new InvalidRequestException(
                            part.getKey(), "unknown_parameter", "Unknown file parameter: '" + part.getKey() + "'.");
            }
        }
        var parsed = OpenAiImageRequests.edit(fields);
        if (uploads.isEmpty()) {
            throw new InvalidRequestException(
                    "image", "missing_required_parameter", "image is required: upload 1 to " + MAX_IMAGES + " files.");
        }
        if (uploads.size() > MAX_IMAGES) {
            throw new InvalidRequestException("image", "invalid_value", "Upload at most " + MAX_IMAGES + " images.");
        }
        var digest = digest("POST /v1/images/edits");
        fields.forEach((name, value) -> digest.update((name + "=" + value + "\n").getBytes(StandardCharsets.UTF_8)));
        List<ImageInput> inputs = new ArrayList<>();
        List<ImageGuard.Header> headers = new ArrayList<>();
        for (MultipartFile upload : uploads) {
            byte[] content = read(upload);
            String param = uploads.size() == 1 ? "image" : "image[" + inputs.size() + "]";
            // Width, height and frames from the header, before anything is decoded: an image bomb stops here.
            headers.add(guard.check(content, param).orElse(null));
            inputs.add(ImageInput.upload(content));
            digest.update(("image:" + content.length + "\n").getBytes(StandardCharsets.UTF_8));
            digest.update(content);
        }
        byte[] maskBytes = null;
        if (mask != null) {
            maskBytes = read(mask);
            checkMask(maskBytes, headers.getFirst());
            digest.update(("mask:" + maskBytes.length + "\n").getBytes(StandardCharsets.UTF_8));
            digest.update(maskBytes);
        }
        String hash = HexFormat.of().formatHex(digest.digest());
        return run(caller, plan, parsed, inputs, maskBytes, hash, idempotencyKey, retryCount, response);
    }

    private DeferredResult<ResponseEntity<Object>> run(
            ApiKeyAuthentication caller,
            CurrentPlan plan,
            OpenAiImageRequests.Parsed parsed,
            List<ImageInput> inputs,
            byte[] mask,
            String hash,
            String idempotencyKey,
            String retryCount,
            HttpServletResponse response) {
        String workspaceId = caller.getPrincipal().workspaceId();
        String keyId = caller.getPrincipal().keyId();
        TaskView task = null;
        if (idempotencyKey == null && SdkRetries.isRetry(retryCount)) {
            // An SDK retry: wait for the first attempt's task (accepted by any node) unless it failed or was canceled.
            task = generations
                    .retried(workspaceId, keyId, hash, SdkRetries.window(openai.maxWait()))
                    .orElse(null);
        }
        if (task == null) {
            Caller who = images.caller(caller, plan);
            task = inputs.isEmpty()
                    ? generations.accept(who, parsed.request(), idempotencyKey, hash)
                    : generations.accept(who, parsed.request(), inputs, "image", mask, idempotencyKey, hash);
        }
        response.setHeader(TASK_HEADER, task.id());
        var result = new DeferredResult<ResponseEntity<Object>>(
                openai.maxWait().plusSeconds(30).toMillis());
        String taskId = task.id();
        boolean idempotent = idempotencyKey != null;
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
            case SUCCEEDED -> succeeded(workspaceId, task, parsed, held);
            case FAILED -> failed(task, idempotent);
            case CANCELED ->
                error(
                        409,
                        ApiError.invalidRequest(
                                "The task was canceled (by a cancel call, or because it outlasted the wait limit);"
                                        + " its credits were released.",
                                null,
                                "task_canceled"),
                        false);
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
                yield error(
                        504,
                        ApiError.of(
                                "The image was not ready within "
                                        + openai.maxWait().toSeconds()
                                        + " s. The task was canceled and its credits released; try again.",
                                ApiError.SERVER_ERROR,
                                null,
                                "timeout"),
                        false);
            }
        };
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

    @ExceptionHandler
    ResponseEntity<Object> invalid(InvalidRequestException invalid) {
        int status = "payload_too_large".equals(invalid.code()) ? 413 : 400;
        return error(status, ApiError.invalidRequest(invalid.getMessage(), invalid.param(), invalid.code()), false);
    }

    @ExceptionHandler
    ResponseEntity<Object> refused(GenerationException refused) {
        return switch (refused.reason()) {
            case INSUFFICIENT_QUOTA, KEY_CAP_REACHED ->
                error(429, ApiError.of(refused.getMessage(), "insufficient_quota", null, "insufficient_quota"), false);
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
        };
    }

    /** Refusals made with the API's own exception (rate limits): the SDK headers added. */
    @ExceptionHandler
    ResponseEntity<Object> refused(ApiException refused) {
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

    private static void checkIdempotencyKey(String key) {
        if (key != null && (key.isBlank() || key.length() > ImagesController.MAX_IDEMPOTENCY_KEY)) {
            throw new InvalidRequestException(
                    "Idempotency-Key", "invalid_value", "Idempotency-Key must be 1 to 255 characters.");
        }
    }

    /**
     * The mask must be a PNG of the first image's size (OpenAI applies it to the first image). Both sizes come from
     * the headers, checked against the pixel limit; nothing is decoded.
     */
    private void checkMask(byte[] mask, ImageGuard.Header firstImage) {
        if (mask.length < PNG_SIGNATURE.length
                || !Arrays.equals(Arrays.copyOf(mask, PNG_SIGNATURE.length), PNG_SIGNATURE)) {
            throw new InvalidRequestException("mask", "invalid_value", "mask must be a PNG image.");
        }
        ImageGuard.Header header = guard.check(mask, "mask")
                .filter(h -> h.format().equals("png"))
                .orElseThrow(() -> new InvalidRequestException("mask", "invalid_value", "mask must be a PNG image."));
        if (firstImage != null && (firstImage.width() != header.width() || firstImage.height() != header.height())) {
            throw new InvalidRequestException(
                    "mask", "invalid_value", "mask must have the same width and height as the (first) image.");
        }
    }

    /** Upload limits (spring.servlet.multipart.max-file-size and max-request-size), met while the parts are read. */
    @ExceptionHandler
    ResponseEntity<Object> tooLarge(MaxUploadSizeExceededException tooLarge) {
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

        synchronized boolean acquire(Semaphore semaphore, java.time.Duration wait) throws InterruptedException {
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

    private static byte[] read(MultipartFile file) {
        try {
            return file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readJson(byte[] body) {
        try {
            return JsonMapper.shared().readTree(body);
        } catch (JacksonException e) {
            throw new InvalidRequestException(
                    null,
                    "invalid_json",
                    "We could not parse the JSON body of your request. Send valid JSON with"
                            + " Content-Type: application/json.");
        }
    }

    private static MessageDigest digest(String route) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update((route + "\n").getBytes(StandardCharsets.UTF_8));
            return digest;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
