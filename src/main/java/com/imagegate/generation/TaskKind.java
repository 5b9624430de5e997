package com.imagegate.generation;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a task does: generate images, or enhance one. */
public enum TaskKind {
    GENERATION,
    ENHANCEMENT;

    /** As stored, shown and tagged on metrics: {@code generation}, {@code enhancement}. */
    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@link #wireValue()} (case and surrounding spaces ignored); empty for anything else. */
    public static Optional<TaskKind> parse(String value) {
        return value == null
                ? Optional.empty()
                : Arrays.stream(values())
                        .filter(v -> v.wireValue().equals(value.strip().toLowerCase(Locale.ROOT)))
                        .findFirst();
    }
}
