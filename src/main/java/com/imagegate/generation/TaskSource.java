package com.imagegate.generation;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a task came in: through the API (a key; {@code /api/v1} or the drop-in) or the studio. */
public enum TaskSource {
    API,
    WEB;

    /** As stored and shown: {@code api}, {@code web}. */
    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@link #wireValue()} (case and surrounding spaces ignored); empty for anything else. */
    public static Optional<TaskSource> parse(String value) {
        return value == null
                ? Optional.empty()
                : Arrays.stream(values())
                        .filter(v -> v.wireValue().equals(value.strip().toLowerCase(Locale.ROOT)))
                        .findFirst();
    }
}
