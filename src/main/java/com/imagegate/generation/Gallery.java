package com.imagegate.generation;

/** The workspace's generated images, as people browse and prune them in the web gallery. */
public interface Gallery {

    /** A page of the workspace's tasks with the images still kept, newest first. */
    GalleryPage page(String workspaceId, GalleryQuery query);

    /**
     * Deletes one image: its file is removed and its link answers 410 from now on. Credits are not returned.
     *
     * @param index the image's position in its task, from 0
     * @throws GenerationException {@link GenerationException.Reason#NOT_FOUND} when the task is not this workspace's or
     *     has no such image (or it was deleted already)
     */
    void deleteImage(String workspaceId, String taskId, int index);
}
