package com.imagegate.testsupport;

import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.provider.ImageEncoder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local stand-in for the OpenAI Images API ({@code POST /v1/images/generations} with a JSON body, {@code POST
 * /v1/images/edits} with a multipart body and {@code image[]} files), speaking its wire format: it checks the bearer
 * key, accepts exactly the request fields OpenAI documents for these endpoints and answers anything else with OpenAI's
 * 400 error shape ({@code unknown_parameter}, {@code invalid_value}, {@code missing_required_parameter}). Valid requests
 * get real images of the asked size and format as {@code b64_json}, unless a script chosen by a marker in the prompt
 * says otherwise (errors with headers, slow or hung responses, malformed JSON, cut-off base64, {@code url} answers).
 */
public final class FakeOpenAiImages implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> GENERATION_FIELDS = Set.of(
            "model",
            "prompt",
            "n",
            "size",
            "quality",
            "output_format",
            "output_compression",
            "background",
            "moderation",
            "user",
            "response_format",
            "style",
            "stream",
            "partial_images");
    private static final Set<String> EDIT_FIELDS = Set.of(
            "image",
            "image[]",
            "mask",
            "prompt",
            "model",
            "n",
            "size",
            "quality",
            "output_format",
            "output_compression",
            "background",
            "input_fidelity",
            "user",
            "response_format",
            "stream",
            "partial_images");
    private static final Pattern SIZE = Pattern.compile("(\\d{2,5})x(\\d{2,5})");

    private final HttpServer server;
    private final String key;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, List<String>> flagged = new ConcurrentHashMap<>();
    private final List<String> moderated = new CopyOnWriteArrayList<>();
    private volatile int moderationDownStatus;

    /** What the fake saw of one request that passed the key check ({@code mask} null when there was none). */
    public record Seen(
            String path,
            Map<String, String> fields,
            List<Upload> images,
            Upload mask,
            int status,
            Instant at,
            Instant answeredAt) {}

    /** A file part of a multipart request. */
    public record Upload(String field, String filename, String contentType, byte[] bytes) {}

    /** How the fake answers one valid request. */
    public sealed interface Step {

        static Step ok() {
            return new Ok(Duration.ZERO);
        }

        static Step slow(Duration delay) {
            return new Ok(delay);
        }

        static Step url() {
            return new Url();
        }

        static Step error(int status, String type, String code, String... headers) {
            return new Error(status, type, code, List.of(headers));
        }

        static Step moderationBlocked() {
            return new Error(400, "image_generation_user_error", "moderation_blocked", List.of());
        }

        static Step malformed() {
            return new Malformed();
        }

        static Step truncated() {
            return new Truncated();
        }

        /** Reads the request and never answers (until the fake is closed). */
        static Step hang() {
            return new Hang();
        }

        /**
         * A streaming request ({@code stream: true}) gets its partial images, then stops sending and holds the
         * connection open without a {@code completed} event (until the fake is closed). A request that does not stream
         * is answered as {@link #hang()}.
         */
        static Step stallAfterPartials() {
            return new Stall();
        }
    }

    record Stall() implements Step {}

    record Ok(Duration delay) implements Step {}

    record Url() implements Step {}

    record Error(int status, String type, String code, List<String> headers) implements Step {}

    record Malformed() implements Step {}

    record Truncated() implements Step {}

    record Hang() implements Step {}

    /** Steps taken in order by the requests whose prompt contains the marker; the last one repeats. */
    private record Script(List<Step> steps, AtomicInteger next) {

        Step take() {
            int i = next.getAndIncrement();
            return steps.get(Math.min(i, steps.size() - 1));
        }
    }

    private FakeOpenAiImages(String key) throws IOException {
        this.key = key;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/images/generations", exchange -> handle(exchange, false));
        server.createContext("/v1/images/edits", exchange -> handle(exchange, true));
        server.createContext("/files/", this::file);
        server.createContext("/v1/moderations", this::moderate);
        server.start();
    }

    public static FakeOpenAiImages start(String key) {
        try {
            return new FakeOpenAiImages(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL to configure (without {@code /v1}). */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Requests whose prompt contains {@code marker} are answered by these steps in turn (the last repeats). */
    public void script(String marker, Step... steps) {
        scripts.put(marker, new Script(List.of(steps), new AtomicInteger()));
    }

    /** The requests whose prompt contained {@code marker}, in arrival order. */
    public List<Seen> requests(String marker) {
        return seen.stream()
                .filter(s -> s.fields().getOrDefault("prompt", "").contains(marker))
                .toList();
    }

    /** Serves an image as a PNG under {@code /files/}, e.g. as a reference image; returns its file name. */
    public String serve(BufferedImage image) {
        String id = UUID.randomUUID() + ".png";
        files.put(id, ImageEncoder.encode(image, OutputFormat.PNG));
        return id;
    }

    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    /** OpenAI's moderation categories (omni-moderation), each reported true or false in every answer. */
    public static final List<String> MODERATION_CATEGORIES = List.of(
            "harassment",
            "harassment/threatening",
            "hate",
            "hate/threatening",
            "illicit",
            "illicit/violent",
            "self-harm",
            "self-harm/intent",
            "self-harm/instructions",
            "sexual",
            "sexual/minors",
            "violence",
            "violence/graphic");

    /** {@code POST /v1/moderations} flags an input containing {@code marker}, in these categories. */
    public void flag(String marker, String... categories) {
        flagged.put(marker, List.of(categories));
    }

    /** With a status ≥ 500, the moderation endpoint answers every request with that error; 0 heals it. */
    public void moderationDown(int status) {
        moderationDownStatus = status;
    }

    /** The inputs the moderation endpoint was asked about (valid requests only), in arrival order. */
    public List<String> moderated() {
        return List.copyOf(moderated);
    }

    /**
     * {@code POST /v1/moderations} in OpenAI's wire format: {@code model} (optional) and {@code input} (a string or an
     * array of strings) in; {@code id}, {@code model} and one {@code results} item per input with {@code flagged},
     * {@code categories}, {@code category_scores} and {@code category_applied_input_types} out.
     */
    private void moderate(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!"POST".equals(exchange.getRequestMethod())) {
                error(exchange, 405, "invalid_request_error", null, "method_not_allowed", "Use POST.");
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equals("Bearer " + key)) {
                error(exchange, 401, "invalid_request_error", null, "invalid_api_key", "Incorrect API key provided.");
                return;
            }
            JsonNode request;
            try {
                request = JSON.readTree(body);
            } catch (RuntimeException e) {
                error(exchange, 400, "invalid_request_error", null, "invalid_json", "We could not parse the JSON.");
                return;
            }
            if (!request.isObject()) {
                error(exchange, 400, "invalid_request_error", null, "invalid_json", "The body must be an object.");
                return;
            }
            for (String field : request.propertyNames()) {
                if (!Set.of("model", "input").contains(field)) {
                    error(
                            exchange,
                            400,
                            "invalid_request_error",
                            field,
                            "unknown_parameter",
                            "Unrecognized request argument supplied: " + field);
                    return;
                }
            }
            JsonNode input = request.path("input");
            List<String> inputs = new ArrayList<>();
            if (input.isString()) {
                inputs.add(input.asString());
            } else if (input.isArray()) {
                input.forEach(i -> inputs.add(i.asString()));
            } else {
                error(
                        exchange,
                        400,
                        "invalid_request_error",
                        "input",
                        "missing_required_parameter",
                        "Missing required parameter: 'input'.");
                return;
            }
            if (moderationDownStatus >= 500) {
                error(
                        exchange,
                        moderationDownStatus,
                        "server_error",
                        null,
                        "server_error",
                        "The server had an error while processing your request. Sorry about that!");
                return;
            }
            moderated.addAll(inputs);
            ObjectNode answer = JSON.createObjectNode();
            answer.put("id", "modr-" + UUID.randomUUID().toString().replace("-", ""));
            answer.put("model", request.path("model").asString("omni-moderation-latest"));
            var results = answer.putArray("results");
            for (String text : inputs) {
                Set<String> hits = new java.util.HashSet<>();
                flagged.forEach((marker, categories) -> {
                    if (text.contains(marker)) {
                        hits.addAll(categories);
                    }
                });
                ObjectNode result = results.addObject();
                result.put("flagged", !hits.isEmpty());
                ObjectNode categories = result.putObject("categories");
                ObjectNode scores = result.putObject("category_scores");
                ObjectNode applied = result.putObject("category_applied_input_types");
                for (String category : MODERATION_CATEGORIES) {
                    categories.put(category, hits.contains(category));
                    scores.put(category, hits.contains(category) ? 0.93 : 0.0004);
                    applied.putArray(category).add("text");
                }
            }
            send(exchange, 200, JSON.writeValueAsString(answer));
        } catch (IOException e) {
            // the client went away
        }
    }

    private void handle(HttpExchange exchange, boolean edit) throws IOException {
        Instant at = Instant.now();
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!"POST".equals(exchange.getRequestMethod())) {
                error(exchange, 405, "invalid_request_error", null, "method_not_allowed", "Use POST.");
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equals("Bearer " + key)) {
                error(
                        exchange,
                        401,
                        "invalid_request_error",
                        null,
                        "invalid_api_key",
                        "Incorrect API key provided: " + mask(auth) + ". You can find your API key at"
                                + " https://platform.openai.com/account/api-keys.");
                return;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            List<Upload> images = new ArrayList<>();
            List<Upload> masks = new ArrayList<>();
            String problem =
                    edit ? parseEdit(exchange, body, fields, images, masks) : parseGeneration(exchange, body, fields);
            if (problem == null) {
                problem = validate(fields, images, edit);
            }
            if (problem == null && !masks.isEmpty()) {
                problem = validateMask(masks, images);
            }
            Upload mask = masks.isEmpty() ? null : masks.getFirst();
            if (problem != null) {
                String[] p = problem.split("\\|", 3);
                seen.add(new Seen(exchange.getRequestURI().getPath(), fields, images, mask, 400, at, Instant.now()));
                error(exchange, 400, "invalid_request_error", p[1].isEmpty() ? null : p[1], p[0], p[2]);
                return;
            }
            Step step = scripts.entrySet().stream()
                    .filter(e -> fields.get("prompt").contains(e.getKey()))
                    .map(e -> e.getValue().take())
                    .findFirst()
                    .orElse(Step.ok());
            int status = answer(exchange, step, fields);
            seen.add(new Seen(exchange.getRequestURI().getPath(), fields, images, mask, status, at, Instant.now()));
        } catch (IOException e) {
            // the client went away (a timeout on its side): nothing to answer
        }
    }

    private int answer(HttpExchange exchange, Step step, Map<String, String> fields) throws IOException {
        if ("true".equals(fields.get("stream")) && (step instanceof Ok || step instanceof Stall)) {
            return stream(exchange, step, fields);
        }
        switch (step) {
            case Stall s -> {
                return answer(exchange, new Hang(), fields);
            }
            case Hang h -> {
                try {
                    closing.await(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 0;
            }
            case Error e -> {
                for (int i = 0; i + 1 < e.headers().size(); i += 2) {
                    exchange.getResponseHeaders()
                            .add(e.headers().get(i), e.headers().get(i + 1));
                }
                String message = switch (e.code() == null ? "" : e.code()) {
                    case "moderation_blocked" ->
                        "Your request was rejected by the safety system. If you believe this is an error,"
                                + " contact us at help.openai.com and include the request ID req_123.";
                    case "rate_limit_exceeded" ->
                        "Rate limit reached for gpt-image-2 in organization org-secret on images per minute.";
                    default -> "The server had an error while processing your request. Sorry about that!";
                };
                error(exchange, e.status(), e.type(), null, e.code(), message);
                return e.status();
            }
            case Malformed m -> {
                send(exchange, 200, "{\"created\": 1764000000, \"data\": [{\"b64_json\": \"iVBORw0KG");
                return 200;
            }
            case Truncated t -> {
                String b64 = Base64.getEncoder().encodeToString(render(fields));
                ObjectNode body = success(fields, List.of(b64.substring(0, b64.length() * 3 / 5)), "b64_json");
                send(exchange, 200, JSON.writeValueAsString(body));
                return 200;
            }
            case Url u -> {
                List<String> urls = new ArrayList<>();
                for (int i = 0; i < n(fields); i++) {
                    String id = UUID.randomUUID() + "." + format(fields).extension();
                    files.put(id, render(fields));
                    urls.add(baseUrl() + "/files/" + id);
                }
                send(exchange, 200, JSON.writeValueAsString(success(fields, urls, "url")));
                return 200;
            }
            case Ok ok -> {
                if (!ok.delay().isZero()) {
                    pause(ok.delay().toMillis());
                }
                List<String> images = new ArrayList<>();
                for (int i = 0; i < n(fields); i++) {
                    images.add(Base64.getEncoder().encodeToString(render(fields)));
                }
                send(exchange, 200, JSON.writeValueAsString(success(fields, images, "b64_json")));
                return 200;
            }
        }
    }

    /**
     * OpenAI's image streaming wire format: Server-Sent Events named by their {@code type}, {@code
     * image_generation.partial_image} ({@code image_edit.partial_image} for edits) with {@code b64_json} and a 0-based
     * {@code partial_image_index}, then one {@code image_generation.completed} ({@code image_edit.completed}) per image
     * with its {@code b64_json} and {@code usage}. A {@link Ok#delay()} is spread between the events.
     */
    private int stream(HttpExchange exchange, Step step, Map<String, String> fields) throws IOException {
        String prefix = exchange.getRequestURI().getPath().endsWith("/edits") ? "image_edit" : "image_generation";
        int partials = Integer.parseInt(fields.getOrDefault("partial_images", "0"));
        long pause = step instanceof Ok ok ? ok.delay().toMillis() / (partials + 1) : 0;
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        var out = exchange.getResponseBody();
        for (int i = 0; i < partials; i++) {
            pause(pause);
            ObjectNode event = streamEvent(prefix + ".partial_image", fields);
            event.put("b64_json", Base64.getEncoder().encodeToString(render(fields)));
            event.put("partial_image_index", i);
            writeEvent(out, event);
        }
        if (step instanceof Stall) {
            try {
                closing.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        }
        pause(pause);
        for (int i = 0; i < n(fields); i++) {
            ObjectNode event = streamEvent(prefix + ".completed", fields);
            event.put("b64_json", Base64.getEncoder().encodeToString(render(fields)));
            var usage = event.putObject("usage");
            usage.put("input_tokens", 50);
            usage.putObject("input_tokens_details").put("text_tokens", 40).put("image_tokens", 10);
            usage.put("output_tokens", 4160);
            usage.put("total_tokens", 4210);
            writeEvent(out, event);
        }
        out.close();
        return 200;
    }

    private static ObjectNode streamEvent(String type, Map<String, String> fields) {
        ObjectNode event = JSON.createObjectNode();
        event.put("type", type);
        event.put("created_at", Instant.now().getEpochSecond());
        event.put("size", fields.getOrDefault("size", "auto"));
        event.put("quality", fields.getOrDefault("quality", "auto"));
        event.put("background", "opaque");
        event.put("output_format", format(fields).wireValue());
        return event;
    }

    private static void writeEvent(java.io.OutputStream out, ObjectNode event) throws IOException {
        String text = "event: " + event.path("type").asString() + "\ndata: " + JSON.writeValueAsString(event) + "\n\n";
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The upstream's render time: waits this long, or until the fake closes (so no answer outlives it). */
    private void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            closing.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ObjectNode success(Map<String, String> fields, List<String> values, String kind) {
        ObjectNode body = JSON.createObjectNode();
        body.put("created", Instant.now().getEpochSecond());
        var data = body.putArray("data");
        values.forEach(v -> data.addObject().put(kind, v));
        body.put("background", "opaque");
        body.put("output_format", format(fields).wireValue());
        body.put("quality", fields.getOrDefault("quality", "auto"));
        body.put("size", fields.getOrDefault("size", "auto"));
        var usage = body.putObject("usage");
        usage.put("input_tokens", 50);
        usage.putObject("input_tokens_details").put("text_tokens", 40).put("image_tokens", 10);
        usage.put("output_tokens", 4160);
        usage.put("total_tokens", 4210);
        return body;
    }

    private static int n(Map<String, String> fields) {
        return Integer.parseInt(fields.getOrDefault("n", "1"));
    }

    private static OutputFormat format(Map<String, String> fields) {
        return OutputFormat.parse(fields.getOrDefault("output_format", "png")).orElseThrow();
    }

    private static byte[] render(Map<String, String> fields) {
        String size = fields.getOrDefault("size", "auto");
        int width = 1024;
        int height = 1024;
        Matcher m = SIZE.matcher(size);
        if (m.matches()) {
            width = Integer.parseInt(m.group(1));
            height = Integer.parseInt(m.group(2));
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(new Color(Math.abs(fields.get("prompt").hashCode()) % 0xFFFFFF));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        return ImageEncoder.encode(image, format(fields));
    }

    private static String parseGeneration(HttpExchange exchange, byte[] body, Map<String, String> fields) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return "invalid_value||Invalid Content-Type header (" + type + "), expected application/json.";
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (RuntimeException e) {
            return "invalid_json||We could not parse the JSON body of your request.";
        }
        if (!json.isObject()) {
            return "invalid_type||The body must be a JSON object.";
        }
        for (var entry : json.properties()) {
            if (!GENERATION_FIELDS.contains(entry.getKey())) {
                return "unknown_parameter|" + entry.getKey() + "|Unknown parameter: '" + entry.getKey() + "'.";
            }
            JsonNode value = entry.getValue();
            if (Set.of("n", "partial_images").contains(entry.getKey()) && !value.isIntegralNumber()) {
                return "invalid_type|" + entry.getKey() + "|Invalid type for '" + entry.getKey()
                        + "': expected an integer.";
            }
            if (entry.getKey().equals("stream") && !value.isBoolean()) {
                return "invalid_type|stream|Invalid type for 'stream': expected a boolean.";
            }
            if (!Set.of("n", "partial_images", "stream").contains(entry.getKey()) && !value.isString()) {
                return "invalid_type|" + entry.getKey() + "|Invalid type for '" + entry.getKey()
                        + "': expected a string.";
            }
            fields.put(entry.getKey(), value.asString());
        }
        return null;
    }

    private static String parseEdit(
            HttpExchange exchange, byte[] body, Map<String, String> fields, List<Upload> images, List<Upload> masks) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        Matcher boundary = type == null
                ? null
                : Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(type);
        if (type == null || !type.startsWith("multipart/form-data") || !boundary.find()) {
            return "invalid_value||Invalid Content-Type header (" + type + "), expected multipart/form-data.";
        }
        byte[] delimiter = ("--" + boundary.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            return "invalid_multipart||The multipart body has no parts.";
        }
        while (true) {
            int start = at + delimiter.length;
            if (start + 2 <= body.length && body[start] == '-' && body[start + 1] == '-') {
                return null;
            }
            start += 2; // CRLF after the delimiter
            int next = indexOf(body, delimiter, start);
            if (next < 0) {
                return "invalid_multipart||The multipart body is not terminated.";
            }
            int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            if (headerEnd < 0 || headerEnd > next) {
                return "invalid_multipart||A part has no headers.";
            }
            String headers = new String(body, start, headerEnd - start, StandardCharsets.UTF_8);
            byte[] content = Arrays.copyOfRange(body, headerEnd + 4, next - 2);
            Matcher name = Pattern.compile("name=\"([^\"]*)\"").matcher(headers);
            if (!name.find()) {
                return "invalid_multipart||A part has no name.";
            }
            String field = name.group(1);
            if (!EDIT_FIELDS.contains(field)) {
                return "unknown_parameter|" + field + "|Unknown parameter: '" + field + "'.";
            }
            Matcher filename = Pattern.compile("filename=\"([^\"]*)\"").matcher(headers);
            if (field.equals("image") || field.equals("image[]") || field.equals("mask")) {
                if (!filename.find()) {
                    return "invalid_value|" + field + "|'" + field + "' must be a file upload.";
                }
                Matcher contentType =
                        Pattern.compile("(?i)content-type:\\s*([^\\r\\n]+)").matcher(headers);
                String ct = contentType.find() ? contentType.group(1).strip() : "application/octet-stream";
                (field.equals("mask") ? masks : images).add(new Upload(field, filename.group(1), ct, content));
            } else {
                fields.put(field, new String(content, StandardCharsets.UTF_8));
            }
            at = next;
        }
    }

    /** OpenAI's rules for the mask: one PNG with the first image's width and height. */
    private static String validateMask(List<Upload> masks, List<Upload> images) {
        if (masks.size() > 1) {
            return "invalid_value|mask|Only one mask can be given.";
        }
        Upload mask = masks.getFirst();
        try {
            var decoded = ImageIO.read(new ByteArrayInputStream(mask.bytes()));
            var first = ImageIO.read(new ByteArrayInputStream(images.getFirst().bytes()));
            if (!mask.contentType().equals("image/png") || decoded == null) {
                return "invalid_image_format|mask|Invalid mask: must be a PNG image.";
            }
            if (first == null || decoded.getWidth() != first.getWidth() || decoded.getHeight() != first.getHeight()) {
                return "invalid_value|mask|The mask and the image must have the same dimensions.";
            }
            return null;
        } catch (IOException e) {
            return "invalid_image_format|mask|Invalid mask: must be a PNG image.";
        }
    }

    private static String validate(Map<String, String> fields, List<Upload> images, boolean edit) {
        String prompt = fields.get("prompt");
        if (prompt == null || prompt.isEmpty()) {
            return "missing_required_parameter|prompt|Missing required parameter: 'prompt'.";
        }
        if (prompt.length() > 32000) {
            return "string_above_max_length|prompt|The prompt is longer than 32000 characters.";
        }
        if (fields.containsKey("n")) {
            int n;
            try {
                n = Integer.parseInt(fields.get("n"));
            } catch (NumberFormatException e) {
                return "invalid_type|n|Invalid type for 'n': expected an integer.";
            }
            if (n < 1 || n > 10) {
                return "integer_out_of_range|n|Invalid 'n': integer must be between 1 and 10.";
            }
        }
        if (fields.containsKey("stream") && !Set.of("true", "false").contains(fields.get("stream"))) {
            return "invalid_type|stream|Invalid type for 'stream': expected a boolean.";
        }
        if (fields.containsKey("partial_images")) {
            int partials;
            try {
                partials = Integer.parseInt(fields.get("partial_images"));
            } catch (NumberFormatException e) {
                return "invalid_type|partial_images|Invalid type for 'partial_images': expected an integer.";
            }
            if (partials < 0 || partials > 3) {
                return "integer_out_of_range|partial_images|Invalid 'partial_images': integer must be between 0 and"
                        + " 3.";
            }
        }
        String size = fields.get("size");
        if (size != null && !size.equals("auto")) {
            Matcher m = SIZE.matcher(size);
            if (!m.matches()) {
                return "invalid_value|size|Invalid value: '" + size + "'.";
            }
            int w = Integer.parseInt(m.group(1));
            int h = Integer.parseInt(m.group(2));
            long pixels = (long) w * h;
            if (w % 16 != 0
                    || h % 16 != 0
                    || Math.max(w, h) > 3840
                    || Math.max(w, h) > 3 * Math.min(w, h)
                    || pixels < 655_360
                    || pixels > 8_294_400) {
                return "invalid_value|size|Invalid size '" + size + "': both edges must be multiples of 16, at most"
                        + " 3840, with an aspect ratio of at most 3:1 and 655360 to 8294400 pixels.";
            }
        }
        if (fields.containsKey("quality")
                && !Set.of("low", "medium", "high", "auto").contains(fields.get("quality"))) {
            return "invalid_value|quality|Invalid value: '" + fields.get("quality")
                    + "'. Supported values are: 'low', 'medium', 'high', and 'auto'.";
        }
        if (fields.containsKey("output_format")
                && !Set.of("png", "jpeg", "webp").contains(fields.get("output_format"))) {
            return "invalid_value|output_format|Invalid value: '" + fields.get("output_format")
                    + "'. Supported values are: 'png', 'jpeg', and 'webp'.";
        }
        if (edit) {
            if (images.isEmpty()) {
                return "missing_required_parameter|image|Missing required parameter: 'image'.";
            }
            if (images.size() > 16) {
                return "invalid_value|image|At most 16 images can be given.";
            }
            for (Upload image : images) {
                if (!Set.of("image/png", "image/jpeg", "image/webp").contains(image.contentType())) {
                    return "invalid_image_format|image|Invalid file '" + image.filename() + "': unsupported mimetype ('"
                            + image.contentType() + "'). Supported file formats are 'image/jpeg', 'image/png', and"
                            + " 'image/webp'.";
                }
                try {
                    if (ImageIO.read(new ByteArrayInputStream(image.bytes())) == null) {
                        return "invalid_image|image|Invalid image file '" + image.filename() + "'.";
                    }
                } catch (IOException e) {
                    return "invalid_image|image|Invalid image file '" + image.filename() + "'.";
                }
            }
        }
        return null;
    }

    private void file(HttpExchange exchange) throws IOException {
        try (exchange) {
            String id = exchange.getRequestURI().getPath().substring("/files/".length());
            byte[] bytes = files.get(id);
            if (bytes == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String ext = id.substring(id.lastIndexOf('.') + 1);
            exchange.getResponseHeaders()
                    .set("Content-Type", OutputFormat.parse(ext).orElseThrow().contentType());
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static void error(HttpExchange exchange, int status, String type, String param, String code, String message)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        send(exchange, status, JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders()
                .set("x-request-id", "req_" + UUID.randomUUID().toString().replace("-", ""));
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String mask(String auth) {
        String key = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
        return key.length() < 8 ? "***" : key.substring(0, 4) + "***" + key.substring(key.length() - 4);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
