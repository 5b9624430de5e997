package com.imagegate.api.internal;

import com.imagegate.generation.GenerationRequest;
import com.imagegate.generation.GenerationRequests;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.RequestField;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAI Images API's request fields, read into our {@link GenerationRequest}. OpenAI-only fields are checked here
 * (quality {@code low}/{@code medium}, {@code response_format}, {@code background}, {@code stream} …); the fields both
 * APIs share are checked by {@link GenerationRequests}, so the rules (sizes, n, formats, models, lengths) stay one, and
 * a value those rules refuse is named in the drop-in's terms ({@link #names}).
 */
final class OpenAiImageRequests {

    /** How the images come back: inline as base64 (OpenAI's default for GPT image models) or as our signed links. */
    enum ResponseFormat {
        B64_JSON,
        URL
    }

    /**
     * A request read from {@code /v1/images/generations} or {@code /v1/images/edits}.
     *
     * @param stream whether the answer is OpenAI's event stream ({@code stream: true}); the request then carries the
     *     asked {@code partial_images}
     */
    record Parsed(GenerationRequest request, ResponseFormat responseFormat, String askedQuality, boolean stream) {}

    static final Set<String> GENERATION_FIELDS = Set.of(
            "model",
            "prompt",
            "n",
            "size",
            "quality",
            "output_format",
            "response_format",
            "user",
            "background",
            "moderation",
            "output_compression",
            "stream",
            "partial_images");

    static final Set<String> EDIT_FIELDS = Set.of(
            "model",
            "prompt",
            "n",
            "size",
            "quality",
            "output_format",
            "response_format",
            "user",
            "background",
            "input_fidelity",
            "output_compression",
            "stream",
            "partial_images");

    /**
     * OpenAI's quality levels mapped to ours. Our renderer has two ({@code high}, {@code auto}); price depends only on
     * size, so every quality costs the same.
     */
    static final Map<String, String> QUALITY = Map.of("low", "auto", "medium", "auto", "high", "high", "auto", "auto");

    private static final List<String> INTEGER_FIELDS = List.of("n", "output_compression", "partial_images");

    private OpenAiImageRequests() {}

    /** Reads a JSON body of {@code POST /v1/images/generations}. */
    static Parsed generation(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(null, "invalid_value", "The request body must be a JSON object.");
        }
        return parse(body, GENERATION_FIELDS);
    }

    /** Reads the text fields of a multipart {@code POST /v1/images/edits}, each given once as a string. */
    static Parsed edit(Map<String, String> fields) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        for (var field : fields.entrySet()) {
            String name = field.getKey();
            String value = field.getValue();
            if (INTEGER_FIELDS.contains(name)) {
                try {
                    body.put(name, Integer.parseInt(value.strip()));
                } catch (NumberFormatException e) {
                    throw invalid(name, name + " must be an integer.");
                }
            } else if (name.equals("stream")) {
                body.put(name, booleanField(name, value));
            } else {
                body.put(name, value);
            }
        }
        return parse(body, EDIT_FIELDS);
    }

    private static Parsed parse(JsonNode body, Set<String> allowed) {
        for (String field : body.propertyNames()) {
            if (!allowed.contains(field)) {
                throw new InvalidRequestException(
                        field,
                        "unknown_parameter",
                        "Unknown parameter: '" + (field.length() > 64 ? field.substring(0, 64) + "…" : field) + "'.");
            }
        }
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw new InvalidRequestException("prompt", "missing_required_parameter", "prompt is required.");
        }
        ResponseFormat responseFormat = responseFormat(body.get("response_format"));
        String askedQuality = text(body, "quality");
        String quality = null;
        if (askedQuality != null) {
            quality = QUALITY.get(askedQuality.strip().toLowerCase(Locale.ROOT));
            if (quality == null) {
                throw invalid("quality", "quality must be one of low, medium, high, auto.");
            }
        }
        String background = text(body, "background");
        if (background != null) {
            switch (background) {
                case "auto", "opaque" -> {}
                case "transparent" ->
                    throw invalid(
                            "background",
                            "Transparent backgrounds are not supported here; use opaque or auto (the default).");
                default -> throw invalid("background", "background must be one of transparent, opaque, auto.");
            }
        }
        String moderation = text(body, "moderation");
        if (moderation != null && !Set.of("low", "auto").contains(moderation)) {
            throw invalid("moderation", "moderation must be low or auto.");
        }
        String fidelity = text(body, "input_fidelity");
        if (fidelity != null && !Set.of("low", "high").contains(fidelity)) {
            throw invalid("input_fidelity", "input_fidelity must be low or high.");
        }
        integer(body, "output_compression", 0, 100);
        int partialImages = integer(body, "partial_images", 0, 3);
        JsonNode streamNode = body.get("stream");
        boolean stream = false;
        if (streamNode != null && !streamNode.isNull()) {
            if (!streamNode.isBoolean()) {
                throw invalid("stream", "stream must be a boolean.");
            }
            stream = streamNode.booleanValue();
        }
        // The fields both APIs share, through the generation module's one set of rules, in their order.
        try {
            String model = GenerationRequests.model(GenerationJson.text(body, "model"));
            String text = GenerationRequests.prompt(GenerationJson.text(body, "prompt"));
            int n = GenerationJson.n(body);
            String size = GenerationJson.choice(body, "size", RequestField.SIZE, GenerationRequests.sizes());
            GenerationRequests.size(size);
            String format = GenerationJson.choice(
                    body, "output_format", RequestField.OUTPUT_FORMAT, GenerationRequests.OUTPUT_FORMATS);
            GenerationRequests.outputFormat(format);
            String user = GenerationRequests.user(GenerationJson.text(body, "user"));
            var request = GenerationRequest.builder()
                    .model(model)
                    .prompt(text)
                    .n(n)
                    .size(size)
                    .quality(quality)
                    .format(format)
                    .user(user)
                    // Partials are only sent on a stream (as OpenAI: without stream, partial_images does nothing).
                    .partialImages(stream ? partialImages : 0)
                    .build();
            return new Parsed(request, responseFormat, askedQuality, stream);
        } catch (InvalidRequestException invalid) {
            throw invalid.named(names(0));
        }
    }

    /**
     * The generation module's fields as the drop-in spells them: OpenAI's names, the uploads as {@code image} (one) or
     * {@code image[0]} … (several), the mask as {@code mask}.
     */
    static InvalidRequestException.FieldNames names(int uploads) {
        return (field, index) -> switch (field) {
            case INPUTS, IMAGE -> index < 0 || uploads == 1 ? "image" : "image[" + index + "]";
            case IMAGE_URLS -> index < 0 ? "image_urls" : "image_urls[" + index + "]";
            default -> GenerationJson.NAMES.name(field, index);
        };
    }

    private static ResponseFormat responseFormat(JsonNode node) {
        if (node == null || node.isNull()) {
            return ResponseFormat.B64_JSON;
        }
        if (node.isString()) {
            switch (node.asString().strip()) {
                case "b64_json" -> {
                    return ResponseFormat.B64_JSON;
                }
                case "url" -> {
                    return ResponseFormat.URL;
                }
                default -> {}
            }
        }
        throw invalid("response_format", "response_format must be b64_json or url.");
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalid(field, field + " must be a string.");
        }
        return node.asString();
    }

    /** The integer field's value, 0 when absent. */
    private static int integer(JsonNode body, String field, int min, int max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw invalid(field, field + " must be an integer from " + min + " to " + max + ".");
        }
        return node.intValue();
    }

    private static boolean booleanField(String name, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(name, name + " must be true or false.");
        };
    }

    private static InvalidRequestException invalid(String param, String message) {
        return new InvalidRequestException(param, "invalid_value", message);
    }
}
