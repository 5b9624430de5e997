package com.imagegate.generation;

import java.time.LocalDate;

/**
 * What the gallery shows: tasks whose prompt contains {@code search} (case-insensitive), with the given status and size,
 * created on days {@code from} to {@code to} (UTC, inclusive); any filter may be null.
 *
 * @param after the cursor of the previous page, or null for the first
 * @param limit tasks per page, 1 to 100
 */
public record GalleryQuery(
        String search, TaskStatus status, ImageSize size, LocalDate from, LocalDate to, String after, int limit) {

    public GalleryQuery {
        if (limit < 1 || limit > TaskQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + TaskQuery.MAX_LIMIT);
        }
        search = search == null || search.isBlank() ? null : search.strip();
    }

    /** The first page of everything. */
    public static GalleryQuery all(int limit) {
        return new GalleryQuery(null, null, null, null, null, null, limit);
    }
}
