package com.imagegate.generation;

import java.util.Locale;

/** A task's life: pending → processing → succeeded | failed | canceled (and pending → canceled | failed). */
public enum TaskStatus {
    PENDING,
    PROCESSING,
    SUCCEEDED,
    FAILED,
    CANCELED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
