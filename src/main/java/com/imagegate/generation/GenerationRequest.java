package com.imagegate.generation;

import java.net.URI;
import java.util.List;

/**
 * A validated request to generate images: typed values only, every rule of docs/api.md already checked (see {@link
 * GenerationRequests}).
 *
 * @param model the model as asked for ({@code gpt-image-2} or an alias)
 * @param prompt the prompt, or null when reference images alone drive the result
 * @param imageUrls reference image URLs (http/https), possibly empty
 * @param n images to make, 1–10
 * @param size the output size
 * @param quality the quality
 * @param format the output format
 * @param user the caller's end-user id, or null
 * @param callbackUrl where to POST the finished task, or null
 */
public record GenerationRequest(
        String model,
        String prompt,
        List<URI> imageUrls,
        int n,
        ImageSize size,
        Quality quality,
        OutputFormat format,
        String user,
        URI callbackUrl) {

    public GenerationRequest {
        imageUrls = List.copyOf(imageUrls);
    }
}
