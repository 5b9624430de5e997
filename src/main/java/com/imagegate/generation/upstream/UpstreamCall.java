package com.imagegate.generation.upstream;

import com.imagegate.generation.ImageSize;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Quality;
import java.util.List;

/**
 * One call to the Images API, before a channel is chosen: {@code generations} without references, {@code edits} with
 * them.
 *
 * @param model the model unless the channel names its own
 * @param mask the edit mask for the first reference, or null
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
        byte[] mask) {

    UpstreamCall {
        references = List.copyOf(references);
    }

    String endpoint() {
        return references.isEmpty() ? "generations" : "edits";
    }
}
