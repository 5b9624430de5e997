package com.imagegate.generation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits on every image this server reads (uploads, masks, {@code image_urls}, enhancement inputs, upstream answers).
 *
 * @param maxPixels the most pixels (width × height × frames, read from the file's header before any decoding) an image
 *     may have; larger ones are refused with 400 {@code image_too_large}. The default, 4096 × 4096, lets every
 *     legitimate input and output through while a decoded image stays below 64 MB of heap
 */
@ConfigurationProperties("imagegate.images")
public record ImageProperties(@DefaultValue("16777216") long maxPixels) {

    public ImageProperties {
        if (maxPixels < 1024L * 1024) {
            throw new IllegalArgumentException("imagegate.images.max-pixels must be at least 1048576 (1024x1024)");
        }
    }
}
