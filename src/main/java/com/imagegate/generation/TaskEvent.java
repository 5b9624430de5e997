package com.imagegate.generation;

import java.util.Locale;

/**
 * One event of a task's stream.
 *
 * @param id the event's id, made from the task's row: {@code 1} pending, {@code 1.<position>.<eta>} a queue place,
 *     {@code 2} processing, {@code 2.<k>} its k-th partial image, {@code 3} ended; opaque to clients, who send it
 *     back as {@code Last-Event-ID}
 * @param kind what happened
 * @param task the task then ({@link Kind#STATUS} and the final kinds), or null
 * @param queue the task's place ({@link Kind#QUEUE}), or null
 * @param partial the partial image ({@link Kind#PARTIAL_IMAGE}), or null
 */
public record TaskEvent(String id, Kind kind, TaskView task, TaskView.Queue queue, Partial partial) {

    public TaskEvent(String id, Kind kind, TaskView task, TaskView.Queue queue) {
        this(id, kind, task, queue, null);
    }

    /**
     * A partial image of a rendering task: a rough preview of its first image, never one of its images.
     *
     * @param index 0 for the first partial, as OpenAI's {@code partial_image_index}
     * @param url a signed link to the file, valid for a few minutes (the file is deleted some minutes after the task
     *     ends)
     */
    public record Partial(int index, String url) {}

    public enum Kind {
        /** The task changed status (pending, processing); the final change is one of the kinds below instead. */
        STATUS,
        /** A pending task's place or estimate changed. */
        QUEUE,
        /** A processing task's renderer made a partial image. */
        PARTIAL_IMAGE,
        COMPLETED,
        FAILED,
        CANCELED;

        /**
         * The SSE event name: {@code status}, {@code queue}, {@code partial_image}, {@code completed}, {@code failed},
         * {@code canceled}.
         */
        public String wireValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean isFinal() {
            return this == COMPLETED || this == FAILED || this == CANCELED;
        }
    }
}
