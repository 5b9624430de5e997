package com.imagegate.generation;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Rendering quality (docs/api.md: {@code high} or {@code auto}). */
public enum Quality {
    HIGH("high"),
    AUTO("auto");

    private final String wireValue;

    Quality(String wireValue) {
        this.wireValue = wireValue;
    }

    public static Optional<Quality> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String normalized = value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(q -> q.wireValue.equals(normalized))
                .findFirst();
    }

    public String wireValue() {
        return wireValue;
    }
}
