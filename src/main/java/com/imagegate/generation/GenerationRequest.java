package com.imagegate.generation;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A request to generate images, in typed values, with every rule of docs/api.md applied when it is made ({@link
 * GenerationRequests}): a refused value is an {@link InvalidRequestException} naming its {@link RequestField}. Made by
 * each edge from its own shape (a JSON body, the studio's form, the OpenAI drop-in's fields and uploads), usually
 * through {@link #builder()}.
 *
 * @param model the model ({@code gpt-image-2} or an alias; a dated snapshot is read as its model; null is the default)
 * @param prompt the prompt, or null when reference images alone drive the result
 * @param imageUrls reference image URLs (http/https), possibly empty
 * @param inputs reference images given with the request (uploads, the workspace's own results), after those named by
 *     {@code imageUrls}; possibly empty
 * @param mask an edit mask, or null: a PNG of the first input's size whose fully transparent pixels mark where that
 *     image is to be changed (the OpenAI edits' {@code mask})
 * @param n images to make, 1–10
 * @param size the output size (null is {@link ImageSize#AUTO})
 * @param quality the quality (null is {@link Quality#AUTO})
 * @param format the output format (null is {@link OutputFormat#PNG})
 * @param user the caller's end-user id, or null
 * @param callbackUrl where to POST the finished task, or null
 * @param idempotency the caller's idempotency key and request digest ({@link Idempotency#NONE} for none)
 * @param maxCredits the most credits the caller will pay for this task, or null for no ceiling; a task that costs
 *     more is refused ({@link GenerationException.Reason#MAX_CREDITS_EXCEEDED})
 * @param partialImages how many partial images the caller wants streamed while the task renders, 0–3 ({@link
 *     TaskEvents}); never delivered as images, never charged
 */
public record GenerationRequest(
        String model,
        String prompt,
        List<URI> imageUrls,
        List<ImageInput> inputs,
        byte[] mask,
        int n,
        ImageSize size,
        Quality quality,
        OutputFormat format,
        String user,
        URI callbackUrl,
        Idempotency idempotency,
        Long maxCredits,
        int partialImages) {

    /** The most partial images a request may ask for (OpenAI's limit). */
    public static final int MAX_PARTIAL_IMAGES = 3;

    /**
     * How a repeated request is recognized.
     *
     * @param key the caller's {@code Idempotency-Key}, or null: the same key with the same digest returns the first
     *     task, with another digest is refused
     * @param requestDigest a digest of the request as sent, or null; kept on a keyless task so that an SDK's retry can
     *     be matched to it ({@link Generations#retried})
     */
    public record Idempotency(String key, String requestDigest) {

        public static final Idempotency NONE = new Idempotency(null, null);
    }

    public GenerationRequest {
        model = GenerationRequests.model(model);
        imageUrls = imageUrls == null ? List.of() : List.copyOf(imageUrls);
        if (!imageUrls.isEmpty()) {
            GenerationRequests.imageUrlCount(imageUrls.size());
        }
        for (int i = 0; i < imageUrls.size(); i++) {
            GenerationRequests.checkedUrl(RequestField.IMAGE_URLS, i, imageUrls.get(i));
        }
        prompt = GenerationRequests.prompt(prompt);
        GenerationRequests.requirePrompt(prompt, imageUrls);
        n = GenerationRequests.n(n);
        size = size == null ? ImageSize.AUTO : size;
        quality = quality == null ? Quality.AUTO : quality;
        format = format == null ? OutputFormat.PNG : format;
        user = GenerationRequests.user(user);
        GenerationRequests.checkedUrl(RequestField.CALLBACK_URL, -1, callbackUrl);
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        if (imageUrls.size() + inputs.size() > GenerationRequests.MAX_IMAGE_URLS) {
            throw new InvalidRequestException(
                    RequestField.INPUTS,
                    -1,
                    "invalid_value",
                    names -> "At most " + GenerationRequests.MAX_IMAGE_URLS + " reference images in all.");
        }
        idempotency = idempotency == null ? Idempotency.NONE : idempotency;
        maxCredits = GenerationRequests.maxCredits(maxCredits);
        partialImages = partialImages(partialImages);
    }

    /** {@code partial_images}: 0–3, else 400 {@code invalid_value} naming it. */
    public static int partialImages(int partialImages) {
        if (partialImages < 0 || partialImages > MAX_PARTIAL_IMAGES) {
            throw new InvalidRequestException(
                    "partial_images", "invalid_value", "partial_images must be an integer from 0 to 3.");
        }
        return partialImages;
    }

    /** This request with this many partial images streamed while it renders (0–3). */
    public GenerationRequest withPartialImages(int partialImages) {
        return new GenerationRequest(
                model,
                prompt,
                imageUrls,
                inputs,
                mask,
                n,
                size,
                quality,
                format,
                user,
                callbackUrl,
                idempotency,
                maxCredits,
                partialImages);
    }

    /** This request with these images given with it (after those named by URL) and this edit mask (or null). */
    public GenerationRequest withInputs(List<ImageInput> inputs, byte[] mask) {
        return new GenerationRequest(
                model,
                prompt,
                imageUrls,
                inputs,
                mask,
                n,
                size,
                quality,
                format,
                user,
                callbackUrl,
                idempotency,
                maxCredits,
                partialImages);
    }

    /** This request with the caller's idempotency key (or null) and the request's digest. */
    public GenerationRequest withIdempotency(String key, String requestDigest) {
        return new GenerationRequest(
                model,
                prompt,
                imageUrls,
                inputs,
                mask,
                n,
                size,
                quality,
                format,
                user,
                callbackUrl,
                new Idempotency(key, requestDigest),
                maxCredits,
                partialImages);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a request from an edge's values, applying the rules in the order of docs/api.md's field table (model,
     * image URLs, prompt, n, size, quality, format, user, callback URL, max credits), so the first value at fault is the one
     * named. Unset values take their defaults.
     */
    public static final class Builder {

        private String model;
        private String prompt;
        private List<String> imageUrls = List.of();
        private List<ImageInput> inputs = List.of();
        private byte[] mask;
        private int n = GenerationRequests.DEFAULT_N;
        private String size;
        private String quality;
        private String format;
        private String user;
        private String callbackUrl;
        private Idempotency idempotency = Idempotency.NONE;
        private Long maxCredits;
        private int partialImages;

        private Builder() {}

        /** How many partial images to stream while rendering, 0–3. */
        public Builder partialImages(int partialImages) {
            this.partialImages = partialImages;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder prompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        /** Reference image URLs as given; each must be an http(s) URL. Null or empty for none. */
        public Builder imageUrls(List<String> imageUrls) {
            this.imageUrls = imageUrls == null ? List.of() : new ArrayList<>(imageUrls);
            return this;
        }

        public Builder inputs(List<ImageInput> inputs) {
            this.inputs = inputs == null ? List.of() : new ArrayList<>(inputs);
            return this;
        }

        public Builder mask(byte[] mask) {
            this.mask = mask;
            return this;
        }

        public Builder n(int n) {
            this.n = n;
            return this;
        }

        /** The size as the API spells it ({@code 1536x1024}, {@code 1536×1024}, {@code auto}), or null. */
        public Builder size(String size) {
            this.size = size;
            return this;
        }

        /** The quality as the API spells it ({@code high}, {@code auto}), or null. */
        public Builder quality(String quality) {
            this.quality = quality;
            return this;
        }

        /** The output format as the API spells it ({@code png}, {@code jpeg} or {@code jpg}, {@code webp}), or null. */
        public Builder format(String format) {
            this.format = format;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** The callback URL as given, or null. */
        public Builder callbackUrl(String callbackUrl) {
            this.callbackUrl = callbackUrl;
            return this;
        }

        public Builder idempotency(String key, String requestDigest) {
            this.idempotency = new Idempotency(key, requestDigest);
            return this;
        }

        /** The most credits the caller will pay, or null for no ceiling. */
        public Builder maxCredits(Long maxCredits) {
            this.maxCredits = maxCredits;
            return this;
        }

        public GenerationRequest build() {
            String checkedModel = GenerationRequests.model(model);
            List<URI> urls = GenerationRequests.imageUrls(imageUrls);
            String checkedPrompt = GenerationRequests.prompt(prompt);
            GenerationRequests.requirePrompt(checkedPrompt, urls);
            GenerationRequests.n(n);
            ImageSize checkedSize = GenerationRequests.size(size);
            Quality checkedQuality = GenerationRequests.quality(quality);
            OutputFormat checkedFormat = GenerationRequests.outputFormat(format);
            GenerationRequests.user(user);
            URI callback = GenerationRequests.callbackUrl(callbackUrl);
            GenerationRequests.maxCredits(maxCredits);
            return new GenerationRequest(
                    checkedModel,
                    checkedPrompt,
                    urls,
                    inputs,
                    mask,
                    n,
                    checkedSize,
                    checkedQuality,
                    checkedFormat,
                    user,
                    callback,
                    idempotency,
                    maxCredits,
                    GenerationRequest.partialImages(partialImages));
        }
    }
}
