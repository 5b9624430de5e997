package com.imagegate.generation;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The API's request rules (docs/api.md), in one place: the API, the studio and the docs page all read them from here.
 * Parsing turns a JSON body into a {@link GenerationRequest} or throws {@link InvalidRequestException} naming the field.
 */
public final class GenerationRequests {

    public static final String DEFAULT_MODEL = "gpt-image-2";
    public static final List<String> MODELS =
            List.of("gpt-image-2", "gpt-image-2-text-to-image", "gpt-image-2-image-to-image");
    public static final int MAX_PROMPT = 32_000;
    public static final int MAX_IMAGE_URLS = 16;
    public static final int MAX_URL_LENGTH = 2048;
    public static final int MIN_N = 1;
    public static final int MAX_N = 10;
    public static final int MAX_USER = 256;
    static final Set<String> FIELDS =
            Set.of("model", "prompt", "image_urls", "n", "size", "quality", "output_format", "user", "callback_url");

    private GenerationRequests() {}

    /** Reads a {@code POST /api/v1/images/generations} body. */
    public static GenerationRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(null, "invalid_value", "The request body must be a JSON object.");
        }
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidRequestException(
                        field, "unknown_parameter", "Unknown parameter: '" + shorten(field) + "'.");
            }
        }
        String model = optionalText(body, "model", 64);
        if (model == null) {
            model = DEFAULT_MODEL;
        } else if (!MODELS.contains(model)) {
            model = snapshotOf(model);
        }
        List<URI> imageUrls = imageUrls(body);
        String prompt = optionalText(body, "prompt", MAX_PROMPT);
        if (prompt != null && prompt.isBlank()) {
            throw invalid("prompt", "prompt must not be blank.");
        }
        if (prompt == null && imageUrls.isEmpty()) {
            throw new InvalidRequestException(
                    "prompt", "missing_required_parameter", "prompt is required unless image_urls is given.");
        }
        int n = n(body);
        ImageSize size = enumValue(body, "size", ImageSize.AUTO, ImageSize::parse, sizes());
        Quality quality = enumValue(body, "quality", Quality.AUTO, Quality::parse, "high, auto");
        OutputFormat format =
                enumValue(body, "output_format", OutputFormat.PNG, OutputFormat::parse, "png, jpeg, webp");
        String user = optionalText(body, "user", MAX_USER);
        URI callback = callbackUrl(body);
        return new GenerationRequest(model, prompt, imageUrls, n, size, quality, format, user, callback);
    }

    static final Set<String> ENHANCEMENT_FIELDS = Set.of("image_url", "output_format", "user", "callback_url", "scale");

    /** Reads a {@code POST /api/v1/images/enhancements} body. */
    public static EnhancementRequest parseEnhancement(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(null, "invalid_value", "The request body must be a JSON object.");
        }
        for (String field : body.propertyNames()) {
            if (!ENHANCEMENT_FIELDS.contains(field)) {
                throw new InvalidRequestException(
                        field, "unknown_parameter", "Unknown parameter: '" + shorten(field) + "'.");
            }
        }
        JsonNode url = body.get("image_url");
        if (url == null || url.isNull()) {
            throw new InvalidRequestException("image_url", "missing_required_parameter", "image_url is required.");
        }
        if (!url.isString()) {
            throw invalid("image_url", "image_url must be an http(s) URL string.");
        }
        URI image = httpUrl(url.asString(), "image_url", Set.of("http", "https"));
        OutputFormat format =
                enumValue(body, "output_format", OutputFormat.PNG, OutputFormat::parse, "png, jpeg, webp");
        JsonNode scaleNode = body.get("scale");
        int scale = 2;
        if (scaleNode != null && !scaleNode.isNull()) {
            if (!scaleNode.isIntegralNumber() || !EnhancementRequest.SCALES.contains(scaleNode.asInt())) {
                throw invalid("scale", "scale must be 2 or 4.");
            }
            scale = scaleNode.asInt();
        }
        return new EnhancementRequest(image, format, optionalText(body, "user", MAX_USER), callbackUrl(body), scale);
    }

    /**
     * A dated snapshot of one of our models ({@code gpt-image-2-2026-04-21}), as OpenAI's clients send them, is the
     * model itself: callers (and another Imagegate using this one as its upstream) may pin snapshots.
     */
    static String snapshotOf(String model) {
        var dated = Pattern.compile("^(.+)-\\d{4}-\\d{2}-\\d{2}$").matcher(model);
        if (dated.matches() && MODELS.contains(dated.group(1))) {
            return dated.group(1);
        }
        throw invalid("model", "model must be one of " + String.join(", ", MODELS) + " (or a dated snapshot of one).");
    }

    /** The accepted sizes as the API spells them, for messages and docs. */
    public static String sizes() {
        return Arrays.stream(ImageSize.values()).map(ImageSize::wireValue).collect(Collectors.joining(", "));
    }

    private static int n(JsonNode body) {
        JsonNode node = body.get("n");
        if (node == null || node.isNull()) {
            return 1;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw invalid("n", "n must be an integer from " + MIN_N + " to " + MAX_N + ".");
        }
        int n = node.intValue();
        if (n < MIN_N || n > MAX_N) {
            throw invalid("n", "n must be an integer from " + MIN_N + " to " + MAX_N + ".");
        }
        return n;
    }

    private static List<URI> imageUrls(JsonNode body) {
        JsonNode node = body.get("image_urls");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_IMAGE_URLS) {
            throw invalid("image_urls", "image_urls must be an array of 1 to " + MAX_IMAGE_URLS + " http(s) URLs.");
        }
        List<URI> urls = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String param = "image_urls[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isString()) {
                throw invalid(param, param + " must be an http(s) URL string.");
            }
            urls.add(httpUrl(item.asString(), param, Set.of("http", "https")));
        }
        return urls;
    }

    private static URI callbackUrl(JsonNode body) {
        JsonNode node = body.get("callback_url");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalid("callback_url", "callback_url must be an https URL string.");
        }
        // The scheme (https, or http where a test allows it) and the address are checked when the task is accepted.
        return httpUrl(node.asString(), "callback_url", Set.of("http", "https"));
    }

    private static URI httpUrl(String raw, String param, Set<String> schemes) {
        String kinds = param.equals("callback_url") ? "an https" : "an http(s)";
        if (raw.length() > MAX_URL_LENGTH) {
            throw invalid(param, param + " must be at most " + MAX_URL_LENGTH + " characters.");
        }
        try {
            URI uri = new URI(raw.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!schemes.contains(scheme) || uri.getHost() == null || uri.getRawUserInfo() != null) {
                throw invalid(param, param + " must be " + kinds + " URL with a host and no credentials.");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalid(param, param + " must be " + kinds + " URL.");
        }
    }

    private static <T> T enumValue(
            JsonNode body, String field, T fallback, Function<String, Optional<T>> parse, String allowed) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isString()) {
            throw invalid(field, field + " must be one of " + allowed + ".");
        }
        return parse.apply(node.asString())
                .orElseThrow(() -> invalid(field, field + " must be one of " + allowed + "."));
    }

    private static String optionalText(JsonNode body, String field, int max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalid(field, field + " must be a string.");
        }
        String value = node.asString();
        if (value.codePointCount(0, value.length()) > max) {
            throw invalid(field, field + " must be at most " + max + " characters.");
        }
        if (value.indexOf('\u0000') >= 0) {
            throw invalid(field, field + " must not contain NUL characters.");
        }
        return value;
    }

    private static InvalidRequestException invalid(String param, String message) {
        return new InvalidRequestException(param, "invalid_value", message);
    }

    private static String shorten(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }

    /** For documentation: each field and its rule. */
    public static Map<String, String> rules() {
        return Map.of(
                "model", "optional; " + String.join(", ", MODELS) + " (default " + DEFAULT_MODEL + ")",
                "prompt", "required unless image_urls is given; 1–" + MAX_PROMPT + " characters",
                "image_urls", "optional; 1–" + MAX_IMAGE_URLS + " http(s) URLs of reference images",
                "n", "integer " + MIN_N + "–" + MAX_N + ", default 1",
                "size", sizes() + " (× is read as x), default auto",
                "quality", "high or auto, default auto",
                "output_format", "png (default), jpeg, webp",
                "user", "optional end-user id, at most " + MAX_USER + " characters",
                "callback_url", "optional https URL; the finished task is POSTed there, signed");
    }
}
