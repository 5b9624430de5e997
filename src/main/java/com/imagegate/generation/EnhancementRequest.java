package com.imagegate.generation;

import java.net.URI;
import java.util.List;

/**
 * A validated request to enhance one image (docs/api.md, {@code POST /api/v1/images/enhancements}): the image is
 * fetched, enhanced, stored as a task's result.
 *
 * @param imageUrl the image to enhance (http/https)
 * @param format the output format
 * @param user the caller's end-user id, or null
 * @param callbackUrl where to POST the finished task, or null
 * @param scale how many times larger the result is: 2 (the default) or 4
 */
public record EnhancementRequest(URI imageUrl, OutputFormat format, String user, URI callbackUrl, int scale) {

    public static final List<Integer> SCALES = List.of(2, 4);
}
