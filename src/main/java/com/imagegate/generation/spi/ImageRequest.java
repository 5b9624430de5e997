package com.imagegate.generation.spi;

import com.imagegate.generation.ImageSize;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Quality;
import java.util.List;

/**
 * What a provider is asked to make, shaped like the OpenAI Images API: a prompt, optional reference images (an edit),
 * how many, what size, quality and format.
 *
 * @param taskId the task it is made for (recorded with each upstream call)
 * @param model the upstream model snapshot
 * @param prompt the text prompt (may be empty when references are given)
 * @param references decoded reference images' bytes (PNG, JPEG or WebP), empty for text-to-image
 * @param n how many images
 * @param size the output size
 * @param quality the rendering quality
 * @param format the output format
 * @param user the stable, non-reversible end-user identifier passed upstream for abuse tracking (OpenAI's {@code
 *     user}: a keyed hash of the workspace and the task's {@code user}, never the raw values), or null
 * @param scale for an enhancement, how many times larger the result is asked to be (2 or 4)
 * @param mask for an edit, a PNG of the first reference's size whose fully transparent pixels mark where that image is
 *     to be changed (the rest is kept), or null
 */
public record ImageRequest(
        String taskId,
        String model,
        String prompt,
        List<byte[]> references,
        int n,
        ImageSize size,
        Quality quality,
        OutputFormat format,
        String user,
        int scale,
        byte[] mask) {

    /** A request without an enhancement scale or a mask (generations, edits). */
    public ImageRequest(
            String taskId,
            String model,
            String prompt,
            List<byte[]> references,
            int n,
            ImageSize size,
            Quality quality,
            OutputFormat format,
            String user) {
        this(taskId, model, prompt, references, n, size, quality, format, user, 2, null);
    }

    public ImageRequest {
        references = List.copyOf(references);
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1");
        }
    }
}
