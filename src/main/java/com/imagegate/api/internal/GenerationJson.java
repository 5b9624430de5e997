package com.imagegate.api.internal;

import com.imagegate.generation.EnhancementRequest;
import com.imagegate.generation.GenerationRequest;
import com.imagegate.generation.GenerationRequests;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.RequestField;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The JSON bodies of {@code POST /api/v1/images/generations} and {@code /enhancements} (docs/api.md), read into the
 * typed requests of the generation module. Only the JSON is checked here (an object, known fields, each field's JSON
 * type); the values' rules are the generation module's ({@link GenerationRequests}), applied field by field in the
 * body's documented order, and a value they refuse is named in this API's terms by {@link #NAMES}.
 */
final class GenerationJson {

    static final Set<String> FIELDS = Set.of(
            "model",
            "prompt",
            "image_urls",
            "n",
            "size",
            "quality",
            "output_format",
            "user",
            "callback_url",
            "max_credits",
            "partial_images");

    static final Set<String> ENHANCEMENT_FIELDS =
            Set.of("image_url", "output_format", "user", "callback_url", "scale", "max_credits");

    /** The generation module's fields as {@code /api/v1} spells them: {@code image_urls[2]}, {@code image_url} … */
    static final InvalidRequestException.FieldNames NAMES = (field, index) -> {
        String name = switch (field) {
            case MODEL -> "model";
            case PROMPT -> "prompt";
            case IMAGE_URLS -> "image_urls";
            case INPUTS -> "image";
            case MASK -> "mask";
            case N -> "n";
            case SIZE -> "size";
            case QUALITY -> "quality";
            case OUTPUT_FORMAT -> "output_format";
            case USER -> "user";
            case CALLBACK_URL -> "callback_url";
            case IMAGE -> "image_url";
            case SCALE -> "scale";
            case MAX_CREDITS -> "max_credits";
        };
        return index < 0 ? name : name + "[" + index + "]";
    };

    private GenerationJson() {}

    /** Reads a {@code POST /api/v1/images/generations} body; the idempotency values are the request's. */
    static GenerationRequest parse(JsonNode body, String idempotencyKey, String requestDigest) {
        try {
            object(body, FIELDS);
            String model = GenerationRequests.model(text(body, "model"));
            List<String> imageUrls = imageUrls(body);
            String prompt = GenerationRequests.prompt(text(body, "prompt"));
            GenerationRequests.requirePrompt(prompt, imageUrls);
            int n = n(body);
            String size = choice(body, "size", RequestField.SIZE, GenerationRequests.sizes());
            GenerationRequests.size(size);
            String quality = choice(body, "quality", RequestField.QUALITY, GenerationRequests.QUALITIES);
            GenerationRequests.quality(quality);
            String format =
                    choice(body, "output_format", RequestField.OUTPUT_FORMAT, GenerationRequests.OUTPUT_FORMATS);
            GenerationRequests.outputFormat(format);
            String user = GenerationRequests.user(text(body, "user"));
            String callbackUrl = urlText(body, "callback_url", "callback_url must be an https URL string.");
            return GenerationRequest.builder()
                    .model(model)
                    .prompt(prompt)
                    .imageUrls(imageUrls)
                    .n(n)
                    .size(size)
                    .quality(quality)
                    .format(format)
                    .user(user)
                    .callbackUrl(callbackUrl)
                    .maxCredits(maxCredits(body))
                    .partialImages(partialImages(body))
                    .idempotency(idempotencyKey, requestDigest)
                    .build();
        } catch (InvalidRequestException invalid) {
            throw invalid.named(NAMES);
        }
    }

    /** Reads a {@code POST /api/v1/images/enhancements} body; the idempotency values are the request's. */
    static EnhancementRequest parseEnhancement(JsonNode body, String idempotencyKey, String requestDigest) {
        try {
            object(body, ENHANCEMENT_FIELDS);
            JsonNode url = body.get("image_url");
            if (url == null || url.isNull()) {
                throw new InvalidRequestException("image_url", "missing_required_parameter", "image_url is required.");
            }
            if (!url.isString()) {
                throw invalid("image_url", "image_url must be an http(s) URL string.");
            }
            var request = EnhancementRequest.ofUrl(url.asString());
            String format =
                    choice(body, "output_format", RequestField.OUTPUT_FORMAT, GenerationRequests.OUTPUT_FORMATS);
            request = request.withFormat(GenerationRequests.outputFormat(format));
            JsonNode scale = body.get("scale");
            if (scale != null && !scale.isNull()) {
                if (!scale.isIntegralNumber()) {
                    throw GenerationRequests.scaleRefused();
                }
                request = request.withScale(scale.asInt());
            }
            return request.withUser(text(body, "user"))
                    .withCallbackUrl(urlText(body, "callback_url", "callback_url must be an https URL string."))
                    .withMaxCredits(maxCredits(body))
                    .withIdempotency(idempotencyKey, requestDigest);
        } catch (InvalidRequestException invalid) {
            throw invalid.named(NAMES);
        }
    }

    private static void object(JsonNode body, Set<String> fields) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(null, "invalid_value", "The request body must be a JSON object.");
        }
        for (String field : body.propertyNames()) {
            if (!fields.contains(field)) {
                throw new InvalidRequestException(
                        field, "unknown_parameter", "Unknown parameter: '" + shorten(field) + "'.");
            }
        }
    }

    /** {@code n}: an integer (absent, the default), its range the generation rules'. */
    static int n(JsonNode body) {
        JsonNode node = body.get("n");
        if (node == null || node.isNull()) {
            return GenerationRequests.DEFAULT_N;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw GenerationRequests.nRefused();
        }
        return GenerationRequests.n(node.intValue());
    }

    /** {@code partial_images}: a JSON integer 0–3 (absent or null, 0); anything else 400 {@code invalid_value}. */
    static int partialImages(JsonNode body) {
        JsonNode node = body.get("partial_images");
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            return GenerationRequest.partialImages(-1);
        }
        return GenerationRequest.partialImages(node.intValue());
    }

    /**
     * {@code max_credits}: a JSON integer (absent or null, no ceiling), its range the generation rules'. A string, a
     * fraction or a number beyond a long is refused like an out-of-range one.
     */
    static Long maxCredits(JsonNode body) {
        JsonNode node = body.get("max_credits");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw GenerationRequests.maxCreditsRefused();
        }
        return GenerationRequests.maxCredits(node.longValue());
    }

    /** The reference image URLs, each checked as it is read (its index names it). */
    private static List<String> imageUrls(JsonNode body) {
        JsonNode node = body.get("image_urls");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            throw invalid(
                    "image_urls",
                    "image_urls must be an array of 1 to " + GenerationRequests.MAX_IMAGE_URLS + " http(s) URLs.");
        }
        GenerationRequests.imageUrlCount(node.size());
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isString()) {
                String param = "image_urls[" + i + "]";
                throw invalid(param, param + " must be an http(s) URL string.");
            }
            GenerationRequests.imageUrl(i, item.asString());
            urls.add(item.asString());
        }
        return urls;
    }

    /** A URL field's text, its form checked ({@code callback_url}). */
    private static String urlText(JsonNode body, String field, String notText) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalid(field, notText);
        }
        GenerationRequests.callbackUrl(node.asString());
        return node.asString();
    }

    /** One of a set of values, as text; its value is checked by the caller. */
    static String choice(JsonNode body, String field, RequestField domainField, String allowed) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw GenerationRequests.oneOf(domainField, allowed);
        }
        return node.asString();
    }

    /** A text field: a JSON string or absent (null); its value's rules are the generation module's. */
    static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalid(field, field + " must be a string.");
        }
        return node.asString();
    }

    static InvalidRequestException invalid(String param, String message) {
        return new InvalidRequestException(param, "invalid_value", message);
    }

    static String shorten(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
