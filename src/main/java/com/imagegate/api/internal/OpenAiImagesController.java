package com.imagegate.api.internal;

import com.imagegate.api.ApiProperties;
import com.imagegate.api.OpenAiProperties;
import com.imagegate.billing.CurrentPlan;
import com.imagegate.generation.Caller;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.Generations;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ImageInput;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.TaskEventPlace;
import com.imagegate.generation.TaskView;
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
import java.util.TreeMap;
import org.springframework.http.MediaType;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAI drop-in (docs/api.md, "The OpenAI drop-in"): {@code POST /v1/images/generations} and
 * {@code /v1/images/edits} in the OpenAI Images API's shapes, synchronous or, with {@code stream: true}, as OpenAI's
 * image streaming events. Each request is read and checked here, then
 * accepts a task through the one generation path (same prices, credits, limits, ledger and refunds as
 * {@code /api/v1}); {@link OpenAiAnswers} answers when the task ends, and shapes the refusals.
 */
@RestController
class OpenAiImagesController {

    static final String TASK_HEADER = "x-imagegate-task-id";
    static final int MAX_IMAGES = 16;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final Generations generations;
    private final ImagesController images;
    private final ApiProperties api;
    private final OpenAiProperties openai;
    private final ImageGuard guard;
    private final OpenAiAnswers answers;
    private final OpenAiStreams streams;

    OpenAiImagesController(
            Generations generations,
            ImagesController images,
            ApiProperties api,
            OpenAiProperties openai,
            ImageGuard guard,
            OpenAiAnswers answers,
            OpenAiStreams streams) {
        this.generations = generations;
        this.images = images;
        this.api = api;
        this.openai = openai;
        this.guard = guard;
        this.answers = answers;
        this.streams = streams;
    }

    @PostMapping("/v1/images/generations")
    DeferredResult<Object> generate(
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
        return run(caller, plan, parsed, false, List.of(), null, hash, idempotencyKey, retryCount, response);
    }

    @PostMapping("/v1/images/edits")
    DeferredResult<Object> edit(
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
        return run(caller, plan, parsed, true, inputs, maskBytes, hash, idempotencyKey, retryCount, response);
    }

    /**
     * Accepts the request's task (or finds an SDK retry's first one) and answers when it ends, or, with {@code stream:
     * true}, at once with its event stream ({@link OpenAiStreams}). A stream's slot among the workspace's open streams
     * is taken before the task is accepted, so a refused stream costs nothing.
     */
    private DeferredResult<Object> run(
            ApiKeyAuthentication caller,
            CurrentPlan plan,
            OpenAiImageRequests.Parsed parsed,
            boolean edit,
            List<ImageInput> inputs,
            byte[] mask,
            String hash,
            String idempotencyKey,
            String retryCount,
            HttpServletResponse response) {
        String workspaceId = caller.getPrincipal().workspaceId();
        String keyId = caller.getPrincipal().keyId();
        TaskEventPlace streamPlace = parsed.stream() ? streams.hold(workspaceId) : null;
        TaskView task = null;
        try {
            if (idempotencyKey == null && SdkRetries.isRetry(retryCount)) {
                // An SDK retry: wait for the first attempt's task (accepted by any node) unless it failed or was
                // canceled.
                task = generations
                        .retried(workspaceId, keyId, hash, SdkRetries.window(openai.maxWait()))
                        .orElse(null);
            }
            if (task == null) {
                Caller who = images.caller(caller, plan);
                var request = parsed.request().withInputs(inputs, mask).withIdempotency(idempotencyKey, hash);
                try {
                    task = generations.accept(who, request);
                } catch (InvalidRequestException invalid) {
                    throw invalid.named(OpenAiImageRequests.names(inputs.size()));
                }
            }
        } catch (RuntimeException refused) {
            if (streamPlace != null) {
                streamPlace.close();
            }
            throw refused;
        }
        response.setHeader(TASK_HEADER, task.id());
        if (streamPlace == null) {
            return answers.whenEnded(workspaceId, task.id(), parsed, idempotencyKey != null);
        }
        // The stream's headers go out before the task ends: the credits are those held for it (what it costs if it
        // succeeds; released in full if it fails), or, for a replayed task that has ended, what it was charged.
        long credits = switch (task.status()) {
            case PENDING, PROCESSING -> task.credits();
            case SUCCEEDED -> task.creditsCaptured() == null ? task.credits() : task.creditsCaptured();
            case FAILED, CANCELED -> 0;
        };
        response.setHeader(OpenAiAnswers.CREDITS_HEADER, String.valueOf(credits));
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no");
        var result = new DeferredResult<Object>();
        // Answered with the emitter itself (not a ResponseEntity), so Spring MVC streams it.
        result.setResult(streams.open(workspaceId, task, parsed, edit, streamPlace));
        return result;
    }

    /** A failed task as an OpenAI error; its credits were already released when it failed. */
    static ResponseEntity<Object> failed(TaskView task, boolean idempotent) {
        return OpenAiAnswers.failed(task, idempotent);
    }

    @ExceptionHandler
    ResponseEntity<Object> invalid(InvalidRequestException invalid) {
        return json(OpenAiAnswers.invalid(invalid.named(OpenAiImageRequests.names(1))));
    }

    @ExceptionHandler
    ResponseEntity<Object> refused(GenerationException refused) {
        return json(OpenAiAnswers.refused(refused));
    }

    /** Refusals made with the API's own exception (rate limits, the open-stream cap): the SDK headers added. */
    @ExceptionHandler
    ResponseEntity<Object> refused(ApiException refused) {
        return json(OpenAiAnswers.refused(refused));
    }

    /** Upload limits (spring.servlet.multipart.max-file-size and max-request-size), met while the parts are read. */
    @ExceptionHandler
    ResponseEntity<Object> tooLarge(MaxUploadSizeExceededException tooLarge) {
        return json(OpenAiAnswers.tooLarge());
    }

    /**
     * A refusal as JSON whatever the request's {@code Accept} says: a streaming client may accept only {@code
     * text/event-stream}, and is refused with the JSON error before any stream starts.
     */
    private static ResponseEntity<Object> json(ResponseEntity<Object> refusal) {
        return ResponseEntity.status(refusal.getStatusCode())
                .headers(refusal.getHeaders())
                .contentType(MediaType.APPLICATION_JSON)
                .body(refusal.getBody());
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
