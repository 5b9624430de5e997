package com.imagegate.generation;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A request to enhance one image (docs/api.md, {@code POST /api/v1/images/enhancements}; the studio's "Enhance"): the
 * image is fetched or taken as given, enhanced, stored as a task's result. Its rules are applied when it is made
 * ({@link GenerationRequests}), a refused value naming its {@link RequestField}.
 *
 * @param image the image to enhance
 * @param format the output format (null is {@link OutputFormat#PNG})
 * @param user the caller's end-user id, or null
 * @param callbackUrl where to POST the finished task, or null
 * @param scale how many times larger the result is: 2 (the default) or 4
 * @param idempotency the caller's idempotency key and request digest ({@link GenerationRequest.Idempotency#NONE} for
 *     none)
 * @param maxCredits the most credits the caller will pay for this task, or null for no ceiling
 */
public record EnhancementRequest(
        Image image,
        OutputFormat format,
        String user,
        URI callbackUrl,
        int scale,
        GenerationRequest.Idempotency idempotency,
        Long maxCredits) {

    public static final List<Integer> SCALES = List.of(2, 4);
    public static final int DEFAULT_SCALE = 2;

    /** The image to enhance ({@link RequestField#IMAGE}): named by an http(s) URL, or given with the request. */
    public sealed interface Image {

        /** Fetched from this URL when the task is accepted. */
        record Url(URI url) implements Image {}

        /** An upload or one of the workspace's results. */
        record Given(ImageInput input) implements Image {}
    }

    public EnhancementRequest {
        Objects.requireNonNull(image, "image");
        if (image instanceof Image.Url(URI url)) {
            GenerationRequests.checkedUrl(RequestField.IMAGE, -1, url);
        }
        format = format == null ? OutputFormat.PNG : format;
        scale = GenerationRequests.scale(scale);
        user = GenerationRequests.user(user);
        GenerationRequests.checkedUrl(RequestField.CALLBACK_URL, -1, callbackUrl);
        idempotency = idempotency == null ? GenerationRequest.Idempotency.NONE : idempotency;
        maxCredits = GenerationRequests.maxCredits(maxCredits);
    }

    /** An enhancement of the image at this URL (as given; it must be an http(s) URL), with the defaults. */
    public static EnhancementRequest ofUrl(String url) {
        return of(new Image.Url(GenerationRequests.enhancedImageUrl(url)));
    }

    /** An enhancement of this image, with the defaults. */
    public static EnhancementRequest of(ImageInput input) {
        return of(new Image.Given(input));
    }

    private static EnhancementRequest of(Image image) {
        return new EnhancementRequest(image, null, null, null, DEFAULT_SCALE, null, null);
    }

    public EnhancementRequest withFormat(OutputFormat format) {
        return new EnhancementRequest(image, format, user, callbackUrl, scale, idempotency, maxCredits);
    }

    public EnhancementRequest withUser(String user) {
        return new EnhancementRequest(image, format, user, callbackUrl, scale, idempotency, maxCredits);
    }

    /** With this callback URL as given (it must be an http(s) URL), or none for null. */
    public EnhancementRequest withCallbackUrl(String callbackUrl) {
        return new EnhancementRequest(
                image, format, user, GenerationRequests.callbackUrl(callbackUrl), scale, idempotency, maxCredits);
    }

    public EnhancementRequest withScale(int scale) {
        return new EnhancementRequest(image, format, user, callbackUrl, scale, idempotency, maxCredits);
    }

    public EnhancementRequest withIdempotency(String key, String requestDigest) {
        return new EnhancementRequest(
                image,
                format,
                user,
                callbackUrl,
                scale,
                new GenerationRequest.Idempotency(key, requestDigest),
                maxCredits);
    }

    /** With the most credits the caller will pay, or null for no ceiling. */
    public EnhancementRequest withMaxCredits(Long maxCredits) {
        return new EnhancementRequest(image, format, user, callbackUrl, scale, idempotency, maxCredits);
    }
}
