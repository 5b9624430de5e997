package com.imagegate.web.internal;

import com.imagegate.generation.GenerationRequest;
import com.imagegate.generation.ImageInput;
import com.imagegate.generation.InvalidRequestException;
import java.util.List;
import java.util.Optional;
import org.springframework.web.bind.annotation.BindParam;

/**
 * The studio's generation form as Spring MVC binds it (the uploaded files come as their own parameter). Blank fields
 * count as left out.
 *
 * @param referenceUrls reference image URLs, one a line
 * @param referenceResult the workspace's results chosen as references, each {@code task_…:index}
 * @param partialImages "Show previews": any value asks for two partial images while the task renders (README, "Live task cards")
 */
record StudioForm(
        String prompt,
        String size,
        String quality,
        @BindParam("output_format") String outputFormat,
        String n,
        @BindParam("reference_urls") String referenceUrls,
        @BindParam("reference_result") List<String> referenceResult,
        @BindParam("partial_images") String partialImages) {

    /** Partial images asked for with "Show previews". */
    static final int PREVIEWS = 2;

    /**
     * The generation module's fields as the studio names them in its messages: the uploads are {@code references}
     * (one) or {@code references[0]} … (several), an enhanced image is {@code image}; the rest keep the API's names,
     * which the studio's messages have always used.
     */
    static InvalidRequestException.FieldNames names(int inputs) {
        return (field, index) -> switch (field) {
            case INPUTS -> index < 0 || inputs == 1 ? "references" : "references[" + index + "]";
            case IMAGE -> "image";
            case MODEL -> "model";
            case PROMPT -> "prompt";
            case IMAGE_URLS -> index < 0 ? "image_urls" : "image_urls[" + index + "]";
            case MASK -> "mask";
            case N -> "n";
            case SIZE -> "size";
            case QUALITY -> "quality";
            case OUTPUT_FORMAT -> "output_format";
            case USER -> "user";
            case CALLBACK_URL -> "callback_url";
            case SCALE -> "scale";
            case MAX_CREDITS -> "max_credits";
        };
    }

    /** How many images, or empty when the field is not a whole number (left out, it is 1). */
    Optional<Integer> count() {
        String value = n == null ? "1" : n;
        try {
            return Optional.of(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The results chosen as references. */
    List<ImageInput> results() {
        return (referenceResult == null ? List.<String>of() : referenceResult)
                .stream()
                        .flatMap(result -> StudioController.ResultRef.parse(result).stream())
                        .map(ref -> ImageInput.result(ref.taskId(), ref.index()))
                        .toList();
    }

    /**
     * The request, with these images given with it; a value the generation rules refuse is named in the studio's
     * terms.
     *
     * @param n the {@link #count()}
     */
    GenerationRequest request(int n, List<ImageInput> inputs) {
        List<String> urls = (referenceUrls == null ? "" : referenceUrls)
                .lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .toList();
        try {
            return GenerationRequest.builder()
                    .prompt(given(prompt))
                    .imageUrls(urls)
                    .inputs(inputs)
                    .n(n)
                    .size(given(size))
                    .quality(given(quality))
                    .format(given(outputFormat))
                    .build()
                    .withPartialImages(given(partialImages) == null ? 0 : PREVIEWS);
        } catch (InvalidRequestException invalid) {
            throw invalid.named(names(inputs.size()));
        }
    }

    private static String given(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
