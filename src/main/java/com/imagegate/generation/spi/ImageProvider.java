package com.imagegate.generation.spi;

import com.imagegate.generation.GenerationProperties;
import java.util.List;

/** Makes images. Shaped like the OpenAI Images API so an OpenAI-compatible upstream drops in beside the sandbox. */
public interface ImageProvider {

    /** Which provider this is, as configured and fixed on tasks ({@code sandbox}, {@code openai}). */
    GenerationProperties.Provider name();

    /**
     * Generates {@code request.n()} images (an edit when the request carries references).
     *
     * @throws ProviderException when it cannot
     */
    List<GeneratedImage> generate(ImageRequest request);

    /**
     * Generates as {@link #generate(ImageRequest)}, handing partial images to {@code partials} as they are made when
     * {@code partials.asked()} is above 0. A provider that cannot make partials just generates.
     *
     * @throws ProviderException when it cannot
     */
    default List<GeneratedImage> generate(ImageRequest request, PartialImages partials) {
        return generate(request);
    }

    /**
     * Enhances one image (upscales and sharpens it): {@code request.references()} holds the source image (PNG, JPEG or
     * WebP), {@code request.format()} the output format.
     *
     * @throws ProviderException when it cannot
     */
    GeneratedImage enhance(ImageRequest request);
}
