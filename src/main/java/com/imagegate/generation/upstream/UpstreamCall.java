package com.imagegate.generation.upstream;

import com.imagegate.generation.ImageSize;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Quality;
import com.imagegate.generation.spi.PartialImages;
import java.util.List;

/**
 * One call to the Images API, before a channel is chosen: {@code generations} without references, {@code edits} with
 * them.
 *
 * @param model the model unless the channel names its own
 * @param mask the edit mask for the first reference, or null
 * @param partials where partial images go; when it asks for some, the call streams ({@code stream: true}, {@code
 *     partial_images})
 */
record UpstreamCall(
        String model,
        String prompt,
        List<byte[]> references,
        int n,
        ImageSize size,
        Quality quality,
        OutputFormat format,
        String user,
        byte[] mask,
        PartialImages partials) {

    UpstreamCall(
            String model,
            String prompt,
            List<byte[]> references,
            int n,
            ImageSize size,
            Quality quality,
            OutputFormat format,
            String user,
            byte[] mask) {
        this(model, prompt, references, n, size, quality, format, user, mask, PartialImages.NONE);
    }

    UpstreamCall {
        references = List.copyOf(references);
        partials = partials == null ? PartialImages.NONE : partials;
    }

    /** True when the call streams: partial images were asked for. */
    boolean streams() {
        return partials.asked() > 0;
    }

    String endpoint() {
        return references.isEmpty() ? "generations" : "edits";
    }
}
