package com.imagegate.generation;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The output sizes the API accepts (docs/api.md). {@code ×} (U+00D7) is read as {@code x}. */
public enum ImageSize {
    SQUARE_1024("1024x1024", 1024, 1024, SizeClass.STANDARD),
    LANDSCAPE_1536("1536x1024", 1536, 1024, SizeClass.STANDARD),
    PORTRAIT_1536("1024x1536", 1024, 1536, SizeClass.STANDARD),
    LANDSCAPE_FULL_HD("1920x1088", 1920, 1088, SizeClass.FULL_HD),
    PORTRAIT_FULL_HD("1088x1920", 1088, 1920, SizeClass.FULL_HD),
    LANDSCAPE_4K("3824x2160", 3824, 2160, SizeClass.UHD_4K),
    PORTRAIT_4K("2160x3824", 2160, 3824, SizeClass.UHD_4K),
    AUTO("auto", 0, 0, SizeClass.STANDARD);

    private final String wireValue;
    private final int width;
    private final int height;
    private final SizeClass sizeClass;

    ImageSize(String wireValue, int width, int height, SizeClass sizeClass) {
        this.wireValue = wireValue;
        this.width = width;
        this.height = height;
        this.sizeClass = sizeClass;
    }

    /** Parses the API's spelling ({@code 1536x1024}, {@code 1536×1024}, {@code auto}); empty when not a size. */
    public static Optional<ImageSize> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String normalized = value.strip().replace('\u00D7', 'x').toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(size -> size.wireValue.equals(normalized))
                .findFirst();
    }

    /** The value as the API spells it, e.g. {@code 1536x1024}. */
    public String wireValue() {
        return wireValue;
    }

    /** Width in pixels; 0 for {@link #AUTO}, which the provider decides. */
    public int width() {
        return width;
    }

    /** Height in pixels; 0 for {@link #AUTO}, which the provider decides. */
    public int height() {
        return height;
    }

    public SizeClass sizeClass() {
        return sizeClass;
    }
}
