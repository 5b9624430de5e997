package com.imagegate.generation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageSizeTests {

    @Test
    void multiplicationSignIsReadAsX() {
        assertThat(ImageSize.parse("1536\u00D71024")).contains(ImageSize.LANDSCAPE_1536);
        assertThat(ImageSize.parse("3824x2160")).contains(ImageSize.LANDSCAPE_4K);
        assertThat(ImageSize.parse("AUTO")).contains(ImageSize.AUTO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1024", "1024x1023", "512x512", "1024 x 1024", "1024x1024x1"})
    void otherSpellingsAreNotSizes(String value) {
        assertThat(ImageSize.parse(value)).isEmpty();
    }

    @Test
    void nullIsNotASize() {
        assertThat(ImageSize.parse(null)).isEmpty();
    }
}
