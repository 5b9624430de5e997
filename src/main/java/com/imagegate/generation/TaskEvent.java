package com.imagegate.generation;

import java.util.Locale;

/**
 * One event of a task's stream.
 *
 * @param id the event's id, made from the task's row: {@code 1} pending, {@code 1.<position>.<eta>} a queue place,
 *     {@code 2} processing, {@code 3} ended; opaque to clients, who send it back as {@code Last-Event-ID}
 * @param kind what happened
 * @param task the task then ({@link Kind#STATUS} and the final kinds), or null
 * @param queue the task's place ({@link Kind#QUEUE}), or null
 */
public record TaskEvent(String id, Kind kind, TaskView task, TaskView.Queue queue) {

    public enum Kind {
        /** The task changed status (pending, processing); the final change is one of the kinds below instead. */
        STATUS,
        /** A pending task's place or estimate changed. */
        QUEUE,
        COMPLETED,
        FAILED,
        CANCELED;

        /** The SSE event name: {@code status}, {@code queue}, {@code completed}, {@code failed}, {@code canceled}. */
        public String wireValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean isFinal() {
            return this == COMPLETED || this == FAILED || this == CANCELED;
        }
    }
}
