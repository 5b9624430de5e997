package com.imagegate.generation;

/**
 * A field of a {@link GenerationRequest} or {@link EnhancementRequest}, as the domain knows it. A refused value names
 * its field this way ({@link InvalidRequestException#field()}, with an index for list items); each edge spells it in
 * its own terms ({@link InvalidRequestException#named}): {@code image_urls[2]} on {@code /api/v1}, {@code image[0]} on
 * the OpenAI drop-in, the form's field in the studio.
 */
public enum RequestField {
    MODEL,
    PROMPT,
    /** The reference image URLs; items are indexed from 0. */
    IMAGE_URLS,
    /** The images given with the request (uploads, the workspace's results); items are indexed from 0. */
    INPUTS,
    MASK,
    N,
    SIZE,
    QUALITY,
    OUTPUT_FORMAT,
    USER,
    CALLBACK_URL,
    /** The one image an enhancement works on (by URL or given with the request). */
    IMAGE,
    /** An enhancement's scale. */
    SCALE,
    /** The most credits the caller will pay for the task ({@code max_credits}). */
    MAX_CREDITS
}
