package com.imagegate.generation;

/**
 * An input image given with the request itself rather than by URL: a file uploaded in the studio or to the OpenAI
 * drop-in edits endpoint, or one of the workspace's own results ("use as reference", "enhance").
 */
public sealed interface ImageInput {

    /** Uploaded bytes; they must decode as PNG, JPEG or WebP. */
    record Upload(byte[] bytes) implements ImageInput {}

    /** Image {@code index} (from 0) of one of the caller's workspace's succeeded tasks. */
    record Result(String taskId, int index) implements ImageInput {}

    static ImageInput upload(byte[] bytes) {
        return new Upload(bytes);
    }

    static ImageInput result(String taskId, int index) {
        return new Result(taskId, index);
    }
}
