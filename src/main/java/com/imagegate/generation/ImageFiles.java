package com.imagegate.generation;

/** The bytes of a task's stored images, for answers that carry the image itself (the OpenAI drop-in's b64_json). */
public interface ImageFiles {

    /**
     * Image {@code index} (from 0) of a task of this workspace.
     *
     * @throws GenerationException {@link GenerationException.Reason#NOT_FOUND} when the task is not this workspace's,
     *     has no such image, or the image was deleted
     */
    byte[] read(String workspaceId, String taskId, int index);
}
