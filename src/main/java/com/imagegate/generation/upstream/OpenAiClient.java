package com.imagegate.generation.upstream;

import com.imagegate.fetch.FetchException;
import com.imagegate.fetch.SafeFetcher;
import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.spi.GeneratedImage;
import com.imagegate.generation.spi.PromptModeration;
import com.imagegate.generation.spi.ProviderException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Speaks the OpenAI Images API to one channel: {@code POST {base}/v1/images/generations} (JSON) or {@code POST
 * {base}/v1/images/edits} (multipart with {@code image[]}), and turns the answer into checked images or a {@link
 * Failure}. One call, no retries; the whole exchange (headers and body) is bounded by the timeout given.
 */
public class OpenAiClient implements AutoCloseable {

    /** Ceiling of one response body per image asked (base64 of a 4K PNG is ~30 MB). */
    static final long MAX_BODY_BYTES_PER_IMAGE = 64L * 1024 * 1024;

    static final long MAX_DOWNLOAD_BYTES = 64L * 1024 * 1024;

    private static final JsonMapper JSON = JsonMapper.shared();

    private final HttpClient http;
    private final SafeFetcher downloads;
    private final Clock clock;
    private final ImageGuard guard;

    /** Delivered images, or why not. */
    sealed interface Outcome {
        Integer statusCode();
    }

    record Delivered(Integer statusCode, List<GeneratedImage> images) implements Outcome {}

    record Failed(Failure failure) implements Outcome {
        @Override
        public Integer statusCode() {
            return failure.statusCode();
        }
    }

    /**
     * @param connectTimeout TCP/TLS connect timeout
     * @param allowPrivateHosts test-only: lets {@code url} answers be downloaded from loopback and private hosts
     * @param downloadDeadline the total deadline of downloading one {@code url} answer
     * @param guard the pixel limit an answer's image passes before it is decoded
     */
    public OpenAiClient(
            Duration connectTimeout,
            boolean allowPrivateHosts,
            Duration downloadDeadline,
            Clock clock,
            ImageGuard guard) {
        this.guard = guard;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.downloads = new SafeFetcher(allowPrivateHosts, Duration.ofSeconds(60), downloadDeadline);
        this.clock = clock;
    }

    Outcome call(GenerationProperties.Channel channel, UpstreamCall call, Duration timeout) {
        if (call.streams()) {
            return stream(channel, call, timeout);
        }
        HttpRequest request = request(channel, call, timeout);
        CompletableFuture<HttpResponse<byte[]>> exchange =
                http.sendAsync(request, info -> new CappedBody(MAX_BODY_BYTES_PER_IMAGE * call.n()));
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return failed(Failure.Kind.TIMEOUT, null, null, null);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new ProviderException("generation_interrupted", "Rendering was interrupted.", true);
        } catch (ExecutionException e) {
            return exchangeFailed(e.getCause());
        }
        int status = response.statusCode();
        if (status == 200) {
            return delivered(response.body(), call);
        }
        return new Failed(classify(status, response.headers(), response.body()));
    }

    /**
     * A streaming call ({@code stream: true}, {@code partial_images}): the answer is Server-Sent Events, {@code
     * image_generation.partial_image} / {@code image_edit.partial_image} with a {@code b64_json} preview (handed to
     * {@code call.partials()} as it arrives) and {@code …completed} with a final image each. The whole exchange,
     * including a stream that stalls midway, is bounded by {@code timeout}: past it the call is a {@code TIMEOUT}
     * failure like any other. An upstream that answers plain JSON instead is read as a normal answer.
     */
    private Outcome stream(GenerationProperties.Channel channel, UpstreamCall call, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = request(channel, call, timeout);
        long max = MAX_BODY_BYTES_PER_IMAGE * (call.n() + call.partials().asked());
        var body = new java.util.concurrent.atomic.AtomicReference<SseBody>();
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request, info -> {
            var subscriber = new SseBody(
                    max,
                    info.statusCode() == 200
                            && info.headers()
                                    .firstValue("Content-Type")
                                    .orElse("")
                                    .startsWith("text/event-stream"));
            body.set(subscriber);
            return subscriber;
        });
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            if (body.get() != null) {
                body.get().cancel();
            }
            return failed(Failure.Kind.TIMEOUT, null, null, null);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new ProviderException("generation_interrupted", "Rendering was interrupted.", true);
        } catch (ExecutionException e) {
            return exchangeFailed(e.getCause());
        }
        int status = response.statusCode();
        SseBody events = body.get();
        if (status != 200) {
            return new Failed(classify(status, response.headers(), response.body()));
        }
        if (!events.streaming()) {
            return delivered(response.body(), call);
        }
        try {
            return readEvents(events, call, deadline);
        } finally {
            events.cancel();
        }
    }

    private Outcome readEvents(SseBody events, UpstreamCall call, long deadline) {
        List<GeneratedImage> images = new ArrayList<>();
        while (true) {
            SseBody.Event event;
            try {
                event = events.next(deadline - System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException("generation_interrupted", "Rendering was interrupted.", true);
            }
            if (event == null) {
                return failed(Failure.Kind.TIMEOUT, 200, null, "the stream stalled");
            }
            if (event == SseBody.END) {
                return images.isEmpty()
                        ? failed(Failure.Kind.MALFORMED, 200, null, "the stream ended without an image")
                        : new Delivered(200, images);
            }
            if (event == SseBody.BROKEN) {
                return events.tooLarge()
                        ? failed(Failure.Kind.MALFORMED, 200, null, "response too large")
                        : failed(Failure.Kind.CONNECTION, 200, null, "the stream broke");
            }
            if (event.data().isBlank() || "[DONE]".equals(event.data().strip())) {
                continue;
            }
            JsonNode data;
            try {
                data = JSON.readTree(event.data());
            } catch (JacksonException e) {
                return failed(Failure.Kind.MALFORMED, 200, null, "an event is not JSON");
            }
            String type = data.path("type").isString() ? data.path("type").asString() : event.name();
            if (type == null) {
                continue;
            }
            if (type.equals("error") || data.has("error")) {
                return failed(Failure.Kind.SERVER_ERROR, 200, null, "the stream reported an error");
            }
            if (type.endsWith(".partial_image")) {
                try {
                    byte[] bytes =
                            Base64.getMimeDecoder().decode(data.path("b64_json").asString(""));
                    call.partials().add(ImageChecks.verify(bytes, call.size(), call.format(), guard));
                } catch (IllegalArgumentException | ImageChecks.BadImage e) {
                    // A preview that does not decode is skipped: the final image is what counts.
                }
            } else if (type.endsWith(".completed") && images.size() < call.n()) {
                byte[] bytes;
                try {
                    bytes = Base64.getMimeDecoder().decode(data.path("b64_json").asString(""));
                } catch (IllegalArgumentException e) {
                    return failed(Failure.Kind.BAD_IMAGE, 200, null, "invalid base64");
                }
                try {
                    images.add(ImageChecks.verify(bytes, call.size(), call.format(), guard));
                } catch (ImageChecks.BadImage e) {
                    return failed(Failure.Kind.BAD_IMAGE, 200, null, e.getMessage());
                }
            }
        }
    }

    private HttpRequest request(GenerationProperties.Channel channel, UpstreamCall call, Duration timeout) {
        String model = channel.model() == null || channel.model().isBlank() ? call.model() : channel.model();
        var builder = HttpRequest.newBuilder(endpoint(channel.baseUrl(), call.endpoint()))
                .timeout(timeout)
                .header("Authorization", "Bearer " + channel.apiKey())
                .header("Accept", call.streams() ? "text/event-stream" : "application/json")
                .header("User-Agent", "Imagegate/1.0");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("model", model);
        fields.put("prompt", call.prompt());
        fields.put("n", call.n());
        fields.put("size", call.size().wireValue());
        fields.put("quality", call.quality().wireValue());
        fields.put("output_format", call.format().wireValue());
        if (call.user() != null && !call.user().isBlank()) {
            fields.put("user", call.user());
        }
        if (call.streams()) {
            fields.put("stream", true);
            fields.put("partial_images", call.partials().asked());
        }
        if (call.references().isEmpty()) {
            return builder.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(fields)))
                    .build();
        }
        var form = new Multipart();
        fields.forEach((name, value) -> form.field(name, String.valueOf(value)));
        for (int i = 0; i < call.references().size(); i++) {
            byte[] image = call.references().get(i);
            OutputFormat format = ImageChecks.formatOf(image);
            format = format == null ? OutputFormat.PNG : format;
            form.file("image[]", "image-" + i + "." + format.extension(), format.contentType(), image);
        }
        if (call.mask() != null) {
            // OpenAI applies the mask to the first image.
            form.file("mask", "mask.png", "image/png", call.mask());
        }
        return builder.header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()))
                .build();
    }

    /** Most a moderation answer may be (it is a few kilobytes). */
    static final long MAX_MODERATION_BODY_BYTES = 1024 * 1024;

    /**
     * Asks the channel's {@code POST {base}/v1/moderations} (OpenAI's wire format: {@code {"model", "input"}} in,
     * {@code results[0].flagged} and {@code results[0].categories} out) about one prompt, on the same client as the
     * image calls (the channel's key, no redirects, a capped body, one deadline for the whole exchange). Never throws
     * for the upstream's failure: that is {@link PromptModeration.Verdict.Unavailable}.
     */
    PromptModeration.Verdict moderate(
            GenerationProperties.Channel channel, String model, String prompt, Duration timeout) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("model", model);
        fields.put("input", prompt);
        HttpRequest request = HttpRequest.newBuilder(moderations(channel.baseUrl()))
                .timeout(timeout)
                .header("Authorization", "Bearer " + channel.apiKey())
                .header("Accept", "application/json")
                .header("User-Agent", "Imagegate/1.0")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(fields)))
                .build();
        CompletableFuture<HttpResponse<byte[]>> exchange =
                http.sendAsync(request, info -> new CappedBody(MAX_MODERATION_BODY_BYTES));
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return new PromptModeration.Verdict.Unavailable("timed out");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return new PromptModeration.Verdict.Unavailable("interrupted");
        } catch (ExecutionException e) {
            return new PromptModeration.Verdict.Unavailable(
                    exchangeFailed(e.getCause()).failure().describe());
        }
        if (response.statusCode() != 200) {
            return new PromptModeration.Verdict.Unavailable(
                    classify(response.statusCode(), response.headers(), response.body())
                            .describe());
        }
        try {
            JsonNode result = JSON.readTree(response.body()).path("results").path(0);
            if (!result.path("flagged").isBoolean()) {
                return new PromptModeration.Verdict.Unavailable("malformed response");
            }
            if (!result.path("flagged").asBoolean()) {
                return new PromptModeration.Verdict.Allowed();
            }
            List<String> categories = new ArrayList<>();
            for (var category : result.path("categories").properties()) {
                if (category.getValue().asBoolean(false) && category.getKey().matches("[A-Za-z0-9_/-]{1,64}")) {
                    categories.add(category.getKey());
                }
            }
            return new PromptModeration.Verdict.Flagged(categories);
        } catch (JacksonException e) {
            return new PromptModeration.Verdict.Unavailable("malformed response");
        }
    }

    /** {@code {base}/v1/moderations}, like {@link #endpoint}. */
    static URI moderations(URI base) {
        return URI.create(endpoint(base, "x").toString().replaceFirst("/images/x$", "/moderations"));
    }

    /** {@code {base}/v1/images/{endpoint}}; a base that already ends in {@code /v1} is not given a second one. */
    static URI endpoint(URI base, String endpoint) {
        String root = base.toString();
        while (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        if (!root.endsWith("/v1")) {
            root += "/v1";
        }
        return URI.create(root + "/images/" + endpoint);
    }

    private Outcome delivered(byte[] body, UpstreamCall call) {
        JsonNode data;
        try {
            data = JSON.readTree(body).path("data");
        } catch (JacksonException e) {
            return failed(Failure.Kind.MALFORMED, 200, null, "not JSON");
        }
        if (!data.isArray() || data.isEmpty()) {
            return failed(Failure.Kind.MALFORMED, 200, null, "no data");
        }
        List<GeneratedImage> images = new ArrayList<>();
        for (JsonNode item : data) {
            if (images.size() == call.n()) {
                break;
            }
            byte[] bytes;
            if (item.path("b64_json").isString()) {
                try {
                    bytes = Base64.getMimeDecoder().decode(item.path("b64_json").asString());
                } catch (IllegalArgumentException e) {
                    return failed(Failure.Kind.BAD_IMAGE, 200, null, "invalid base64");
                }
            } else if (item.path("url").isString()) {
                try {
                    bytes = downloads.fetch(URI.create(item.path("url").asString()), MAX_DOWNLOAD_BYTES);
                } catch (FetchException | IllegalArgumentException e) {
                    return failed(Failure.Kind.BAD_IMAGE, 200, null, "image download failed");
                }
            } else {
                return failed(Failure.Kind.MALFORMED, 200, null, "an item has neither b64_json nor url");
            }
            try {
                images.add(ImageChecks.verify(bytes, call.size(), call.format(), guard));
            } catch (ImageChecks.BadImage e) {
                return failed(Failure.Kind.BAD_IMAGE, 200, null, e.getMessage());
            }
        }
        return new Delivered(200, images);
    }

    private Failure classify(int status, HttpHeaders headers, byte[] body) {
        String code = null;
        String param = null;
        try {
            JsonNode error = JSON.readTree(body).path("error");
            code = safe(error.path("code").isString() ? error.path("code").asString() : null);
            param = safe(error.path("param").isString() ? error.path("param").asString() : null);
        } catch (JacksonException | IllegalArgumentException ignored) {
            // not the OpenAI error shape: the status alone decides
        }
        String detail = code == null ? null : param == null ? code : code + " (" + param + ")";
        Duration retryAfter = retryAfter(headers);
        if (status == 400 && ("moderation_blocked".equals(code) || "content_policy_violation".equals(code))) {
            return new Failure(Failure.Kind.CONTENT_POLICY, status, null, code);
        }
        if (status == 401 || status == 403) {
            return new Failure(Failure.Kind.CHANNEL_REFUSED, status, retryAfter, code);
        }
        if (status == 429) {
            return new Failure(Failure.Kind.RATE_LIMITED, status, retryAfter, code);
        }
        if (status >= 500 || status == 408 || status == 409) {
            return new Failure(Failure.Kind.SERVER_ERROR, status, retryAfter, code);
        }
        return new Failure(Failure.Kind.REJECTED, status, null, detail);
    }

    /** Only short identifier-like strings of the upstream's error are repeated (never its message). */
    private static String safe(String value) {
        return value != null && value.matches("[A-Za-z0-9_.\\[\\]-]{1,64}") ? value : null;
    }

    /** {@code retry-after-ms} (OpenAI's), else {@code retry-after} in seconds or as an HTTP date; null when absent. */
    Duration retryAfter(HttpHeaders headers) {
        try {
            var ms = headers.firstValue("retry-after-ms");
            if (ms.isPresent()) {
                double value = Double.parseDouble(ms.get().strip());
                if (value >= 0 && value < 86_400_000) {
                    return Duration.ofMillis((long) Math.ceil(value));
                }
            }
        } catch (NumberFormatException ignored) {
            // fall through to retry-after
        }
        var after = headers.firstValue("retry-after");
        if (after.isEmpty()) {
            return null;
        }
        String value = after.get().strip();
        try {
            double seconds = Double.parseDouble(value);
            return seconds >= 0 && seconds < 86_400 ? Duration.ofMillis((long) Math.ceil(seconds * 1000)) : null;
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(
                        clock.instant(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }

    /** A call that got no usable answer: the connection, the deadline or the body's size cap. */
    private static Failed exchangeFailed(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return failed(Failure.Kind.CONNECTION, null, null, "connect timeout");
        }
        if (cause instanceof HttpTimeoutException) {
            return failed(Failure.Kind.TIMEOUT, null, null, null);
        }
        if (cause instanceof TooLarge) {
            return failed(Failure.Kind.MALFORMED, null, null, "response too large");
        }
        return failed(
                Failure.Kind.CONNECTION,
                null,
                null,
                cause == null ? null : cause.getClass().getSimpleName());
    }

    private static Failed failed(Failure.Kind kind, Integer status, Duration retryAfter, String detail) {
        return new Failed(new Failure(kind, status, retryAfter, detail));
    }

    @Override
    public void close() throws IOException {
        downloads.close();
        http.close();
    }

    /** A response larger than the ceiling. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("response body too large");
        }
    }

    /** Collects the body up to a ceiling, and fails (cancelling the exchange) beyond it. */
    static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final long max;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedBody(long max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                if (buffer.size() + (long) item.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                buffer.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }

    /**
     * A Server-Sent Events body read as it arrives: complete events go to a queue the calling thread polls with its
     * deadline (so a stalled stream never blocks past it), up to a ceiling of bytes. When the answer is not an event
     * stream (an error status, or plain JSON) the body is collected whole instead.
     */
    static final class SseBody implements HttpResponse.BodySubscriber<byte[]> {

        record Event(String name, String data) {}

        static final Event END = new Event(null, "");
        static final Event BROKEN = new Event(null, "");

        private final long max;
        private final boolean streaming;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final java.util.concurrent.LinkedBlockingQueue<Event> events =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final StringBuilder pending = new StringBuilder();
        private final java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
        private byte[] carry = new byte[0];
        private long received;
        private volatile boolean tooLarge;
        private volatile Flow.Subscription subscription;

        SseBody(long max, boolean streaming) {
            this.max = max;
            this.streaming = streaming;
            if (streaming) {
                result.complete(new byte[0]); // the response is handed over at once; events follow
            }
        }

        boolean streaming() {
            return streaming;
        }

        boolean tooLarge() {
            return tooLarge;
        }

        /** The next event, {@link #END}, {@link #BROKEN}, or null when none came within {@code nanos}. */
        Event next(long nanos) throws InterruptedException {
            return events.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }

        void cancel() {
            var s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                received += item.remaining();
                if (received > max) {
                    tooLarge = true;
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    events.add(BROKEN);
                    return;
                }
                if (!streaming) {
                    byte[] chunk = new byte[item.remaining()];
                    item.get(chunk);
                    buffer.writeBytes(chunk);
                    continue;
                }
                // Decode as it comes; the bytes of a character cut between chunks wait for the next chunk.
                ByteBuffer in = item;
                if (carry.length > 0) {
                    in = ByteBuffer.allocate(carry.length + item.remaining());
                    in.put(carry).put(item).flip();
                }
                java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(in.remaining() + 1);
                decoder.decode(in, chars, false);
                carry = new byte[in.remaining()];
                in.get(carry);
                chars.flip();
                pending.append(chars);
                dispatch();
            }
        }

        /** Sends every complete event (ended by a blank line) in {@code pending}. */
        private void dispatch() {
            while (true) {
                int end = -1;
                int skip = 0;
                for (String separator : List.of("\r\n\r\n", "\n\n", "\r\r")) {
                    int at = pending.indexOf(separator);
                    if (at >= 0 && (end < 0 || at < end)) {
                        end = at;
                        skip = separator.length();
                    }
                }
                if (end < 0) {
                    return;
                }
                String block = pending.substring(0, end);
                pending.delete(0, end + skip);
                String name = null;
                StringBuilder data = null;
                for (String line : block.split("\r\n|\n|\r")) {
                    if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        String value = line.substring(5);
                        value = value.startsWith(" ") ? value.substring(1) : value;
                        data = data == null
                                ? new StringBuilder(value)
                                : data.append('\n').append(value);
                    }
                }
                if (data != null || name != null) {
                    events.add(new Event(name, data == null ? "" : data.toString()));
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
            events.add(BROKEN);
        }

        @Override
        public void onComplete() {
            if (streaming) {
                pending.append("\n\n");
                dispatch();
                events.add(END);
            } else {
                result.complete(buffer.toByteArray());
            }
        }
    }

    /** A multipart/form-data body. */
    static final class Multipart {

        private final String boundary = "imagegate-" + UUID.randomUUID();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        void field(String name, String value) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
            write(value);
            write("\r\n");
        }

        void file(String name, String filename, String contentType, byte[] content) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: " + contentType + "\r\n\r\n");
            body.writeBytes(content);
            write("\r\n");
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] body() {
            var copy = new ByteArrayOutputStream();
            copy.writeBytes(body.toByteArray());
            copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return copy.toByteArray();
        }

        private void write(String text) {
            body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
