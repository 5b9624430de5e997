package com.imagegate.generation;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Image file formats the API can return. */
public enum OutputFormat {
    PNG("png", "image/png"),
    JPEG("jpeg", "image/jpeg"),
    WEBP("webp", "image/webp");

    private final String wireValue;
    private final String contentType;

    OutputFormat(String wireValue, String contentType) {
        this.wireValue = wireValue;
        this.contentType = contentType;
    }

    /** Parses {@code png}, {@code jpeg} (or {@code jpg}), {@code webp}; empty for anything else. */
    public static Optional<OutputFormat> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String normalized = value.strip().toLowerCase(Locale.ROOT);
        if (normalized.equals("jpg")) {
            return Optional.of(JPEG);
        }
        return Arrays.stream(values())
                .filter(f -> f.wireValue.equals(normalized))
                .findFirst();
    }

    public String wireValue() {
        return wireValue;
    }

    public String contentType() {
        return contentType;
    }

    /** File name extension, without the dot. */
    public String extension() {
        return wireValue;
    }
}
