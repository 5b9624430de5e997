package com.imagegate.generation;

import java.util.List;

/** A page of the gallery, newest first; {@code nextCursor} fetches the next one, null at the end. */
public record GalleryPage(List<Item> items, String nextCursor) {

    /**
     * One task: how it went, what was asked, and the images still kept (deleted ones are left out).
     *
     * @param task the task as the API shows it
     * @param prompt the prompt it was given (empty for an enhancement)
     */
    public record Item(TaskView task, String prompt, List<Image> images) {}

    /**
     * One kept image.
     *
     * @param index its position in the task, from 0
     * @param url a signed link to it
     */
    public record Image(int index, String url, int width, int height) {}
}
