package com.imagegate.generation.spi;

/**
 * Where a provider hands the partial images it makes while rendering (OpenAI's {@code partial_images}): rough
 * previews of the first image, streamed to the task's event streams, never delivered or charged as images.
 */
public interface PartialImages {

    /** No partial images asked for. */
    PartialImages NONE = new PartialImages() {
        @Override
        public int asked() {
            return 0;
        }

        @Override
        public void add(GeneratedImage partial) {}
    };

    /** How many partial images the caller asked for (0–3); a provider sends at most this many. */
    int asked();

    /** A partial image, in the order made; any past {@link #asked()} are ignored. Returns once it is stored. */
    void add(GeneratedImage partial);
}
