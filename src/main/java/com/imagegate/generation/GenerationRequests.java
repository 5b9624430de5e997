package com.imagegate.generation;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The request rules (docs/api.md), in one place: the API, the studio and the docs page all read them from here. Each
 * rule takes a value already of its type (the edges read JSON, forms and multipart parts into those) and returns it
 * normalized, or throws {@link InvalidRequestException} naming the {@link RequestField} at fault; {@link
 * GenerationRequest} and {@link EnhancementRequest} apply them all when they are made.
 */
public final class GenerationRequests {

    public static final String DEFAULT_MODEL = "gpt-image-2";
    public static final List<String> MODELS =
            List.of("gpt-image-2", "gpt-image-2-text-to-image", "gpt-image-2-image-to-image");
    public static final int MAX_MODEL = 64;
    public static final int MAX_PROMPT = 32_000;
    public static final int MAX_IMAGE_URLS = 16;
    public static final int MAX_URL_LENGTH = 2048;
    public static final int MIN_N = 1;
    public static final int MAX_N = 10;
    public static final int DEFAULT_N = 1;
    public static final int MAX_USER = 256;
    /** The largest {@code max_credits} accepted (far above any task's price; a larger value is a mistake). */
    public static final long MAX_MAX_CREDITS = 1_000_000_000L;
    /** The accepted qualities and output formats as the API spells them, for messages and docs. */
    public static final String QUALITIES = "high, auto";

    public static final String OUTPUT_FORMATS = "png, jpeg, webp";

    private static final Pattern DATED = Pattern.compile("^(.+)-\\d{4}-\\d{2}-\\d{2}$");

    private GenerationRequests() {}

    /**
     * The model: null is the default; a dated snapshot of one of our models ({@code gpt-image-2-2026-04-21}), as
     * OpenAI's clients send them, is the model itself (callers, and another Imagegate using this one as its upstream,
     * may pin snapshots); anything else is refused.
     */
    public static String model(String model) {
        if (model == null) {
            return DEFAULT_MODEL;
        }
        text(RequestField.MODEL, model, MAX_MODEL);
        if (MODELS.contains(model)) {
            return model;
        }
        var dated = DATED.matcher(model);
        if (dated.matches() && MODELS.contains(dated.group(1))) {
            return dated.group(1);
        }
        throw invalid(
                RequestField.MODEL,
                -1,
                name -> name + " must be one of " + String.join(", ", MODELS) + " (or a dated snapshot of one).");
    }

    /** The prompt, or null: 1–{@value #MAX_PROMPT} code points, not blank, no NUL. */
    public static String prompt(String prompt) {
        if (prompt == null) {
            return null;
        }
        text(RequestField.PROMPT, prompt, MAX_PROMPT);
        if (prompt.isBlank()) {
            throw invalid(RequestField.PROMPT, -1, name -> name + " must not be blank.");
        }
        return prompt;
    }

    /** A prompt is required unless reference image URLs are given. */
    public static void requirePrompt(String prompt, List<?> imageUrls) {
        if (prompt == null && imageUrls.isEmpty()) {
            throw new InvalidRequestException(
                    RequestField.PROMPT,
                    -1,
                    "missing_required_parameter",
                    names -> names.name(RequestField.PROMPT, -1) + " is required unless "
                            + names.name(RequestField.IMAGE_URLS, -1) + " is given.");
        }
    }

    /** How many reference image URLs a request may name: 1 to {@value #MAX_IMAGE_URLS} (none is no list). */
    public static void imageUrlCount(int count) {
        if (count < 1 || count > MAX_IMAGE_URLS) {
            throw invalid(
                    RequestField.IMAGE_URLS,
                    -1,
                    name -> name + " must be an array of 1 to " + MAX_IMAGE_URLS + " http(s) URLs.");
        }
    }

    /** Reference image URLs (http/https), possibly none. */
    public static List<URI> imageUrls(List<String> urls) {
        if (urls == null || urls.isEmpty()) {
            return List.of();
        }
        imageUrlCount(urls.size());
        List<URI> checked = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            checked.add(imageUrl(i, urls.get(i)));
        }
        return checked;
    }

    /** Reference image URL number {@code index}. */
    public static URI imageUrl(int index, String url) {
        return httpUrl(RequestField.IMAGE_URLS, index, url, "an http(s)");
    }

    /** The image an enhancement works on, by URL (http/https). */
    public static URI enhancedImageUrl(String url) {
        return httpUrl(RequestField.IMAGE, -1, url, "an http(s)");
    }

    /**
     * The callback URL, or null. Only its form is checked here; the scheme (https, or http where a test allows it)
     * and the address are checked when the task is accepted.
     */
    public static URI callbackUrl(String url) {
        return url == null ? null : httpUrl(RequestField.CALLBACK_URL, -1, url, "an https");
    }

    /** Images to make: {@value #MIN_N} to {@value #MAX_N}. */
    public static int n(int n) {
        if (n < MIN_N || n > MAX_N) {
            throw nRefused();
        }
        return n;
    }

    /** The refusal of an {@code n} that is not an integer from {@value #MIN_N} to {@value #MAX_N}. */
    public static InvalidRequestException nRefused() {
        return invalid(RequestField.N, -1, name -> name + " must be an integer from " + MIN_N + " to " + MAX_N + ".");
    }

    /** The size as the API spells it; null is {@link ImageSize#AUTO}. */
    public static ImageSize size(String size) {
        return size == null
                ? ImageSize.AUTO
                : ImageSize.parse(size).orElseThrow(() -> oneOf(RequestField.SIZE, sizes()));
    }

    /** The quality as the API spells it; null is {@link Quality#AUTO}. */
    public static Quality quality(String quality) {
        return quality == null
                ? Quality.AUTO
                : Quality.parse(quality).orElseThrow(() -> oneOf(RequestField.QUALITY, QUALITIES));
    }

    /** The output format as the API spells it; null is {@link OutputFormat#PNG}. */
    public static OutputFormat outputFormat(String format) {
        return format == null
                ? OutputFormat.PNG
                : OutputFormat.parse(format).orElseThrow(() -> oneOf(RequestField.OUTPUT_FORMAT, OUTPUT_FORMATS));
    }

    /** The refusal of a value that is not one of {@code allowed}. */
    public static InvalidRequestException oneOf(RequestField field, String allowed) {
        return invalid(field, -1, name -> name + " must be one of " + allowed + ".");
    }

    /** The end-user id, or null: at most {@value #MAX_USER} code points, no NUL. */
    public static String user(String user) {
        if (user != null) {
            text(RequestField.USER, user, MAX_USER);
        }
        return user;
    }

    /**
     * The most credits the caller will pay for the task, or null for no ceiling: an integer from 1 to {@value
     * #MAX_MAX_CREDITS}. A task that costs more is refused when it is accepted ({@link
     * GenerationException.Reason#MAX_CREDITS_EXCEEDED}).
     */
    public static Long maxCredits(Long maxCredits) {
        if (maxCredits != null && (maxCredits < 1 || maxCredits > MAX_MAX_CREDITS)) {
            throw maxCreditsRefused();
        }
        return maxCredits;
    }

    /** The refusal of a {@code max_credits} that is not an integer from 1 to {@value #MAX_MAX_CREDITS}. */
    public static InvalidRequestException maxCreditsRefused() {
        return invalid(
                RequestField.MAX_CREDITS,
                -1,
                name -> name + " must be an integer from 1 to " + MAX_MAX_CREDITS + " (credits).");
    }

    /** An enhancement's scale: one of {@link EnhancementRequest#SCALES}. */
    public static int scale(int scale) {
        if (!EnhancementRequest.SCALES.contains(scale)) {
            throw scaleRefused();
        }
        return scale;
    }

    /** The refusal of a scale that is not 2 or 4. */
    public static InvalidRequestException scaleRefused() {
        return invalid(RequestField.SCALE, -1, name -> name + " must be 2 or 4.");
    }

    /** The accepted sizes as the API spells them, for messages and docs. */
    public static String sizes() {
        return Arrays.stream(ImageSize.values()).map(ImageSize::wireValue).collect(Collectors.joining(", "));
    }

    /** A URL already parsed (a request being made again from its typed values) passes the same rules. */
    static URI checkedUrl(RequestField field, int index, URI url) {
        return url == null
                ? null
                : httpUrl(field, index, url.toString(), field == RequestField.CALLBACK_URL ? "an https" : "an http(s)");
    }

    private static URI httpUrl(RequestField field, int index, String raw, String kinds) {
        if (raw.length() > MAX_URL_LENGTH) {
            throw invalid(field, index, name -> name + " must be at most " + MAX_URL_LENGTH + " characters.");
        }
        try {
            URI uri = new URI(raw.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null
                    || uri.getRawUserInfo() != null) {
                throw invalid(
                        field, index, name -> name + " must be " + kinds + " URL with a host and no credentials.");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalid(field, index, name -> name + " must be " + kinds + " URL.");
        }
    }

    private static void text(RequestField field, String value, int max) {
        if (value.codePointCount(0, value.length()) > max) {
            throw invalid(field, -1, name -> name + " must be at most " + max + " characters.");
        }
        if (value.indexOf('\u0000') >= 0) {
            throw invalid(field, -1, name -> name + " must not contain NUL characters.");
        }
    }

    private static InvalidRequestException invalid(RequestField field, int index, UnaryOperator<String> message) {
        return new InvalidRequestException(
                field, index, "invalid_value", names -> message.apply(names.name(field, index)));
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
                "callback_url", "optional https URL; the finished task is POSTed there, signed",
                "max_credits", "optional integer 1–" + MAX_MAX_CREDITS + "; a task costing more is refused");
    }
}
