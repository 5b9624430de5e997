package com.imagegate.generation;

import java.io.IOException;
import java.io.InputStream;

/** The bytes of a task's stored images, for answers that carry the image itself (the OpenAI drop-in's b64_json). */
public interface ImageFiles {

    /**
     * Image {@code index} (from 0) of a task of this workspace.
     *
     * @throws GenerationException {@link GenerationException.Reason#NOT_FOUND} when the task is not this workspace's,
     *     has no such image, or the image was deleted
     */
    byte[] read(String workspaceId, String taskId, int index);

    /**
     * Image {@code index} of a task of this workspace, opened for streaming (an answer of several 4K images is never
     * held in memory whole). The caller closes it.
     *
     * @throws GenerationException {@link GenerationException.Reason#NOT_FOUND} as for {@link #read}
     */
    Opened open(String workspaceId, String taskId, int index);

    /**
     * Partial image {@code index} (from 0, OpenAI's {@code partial_image_index}) of a task of this workspace, opened
     * for streaming: a rough preview made while the task rendered, never one of its images. The caller closes it.
     *
     * @throws GenerationException {@link GenerationException.Reason#NOT_FOUND} when the task is not this workspace's,
     *     or that partial was never stored or was already swept
     */
    Opened openPartial(String workspaceId, String taskId, int index);

    /** An open image file and its length in bytes. */
    record Opened(InputStream content, long length) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            content.close();
        }
    }
}
