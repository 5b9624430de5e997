package com.imagegate.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.testsupport.TestImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The header-only pixel check every image passes before it is decoded. */
class ImageGuardTests {

    static byte[] bomb;
    final ImageGuard guard = new ImageGuard(new ImageProperties(4096L * 4096));

    @BeforeAll
    static void makeBomb() {
        bomb = TestImages.pngBomb(33_000, 33_000);
    }

    @Test
    void theBombIsSmallOnDiskButClaimsABillionPixels() {
        assertThat(bomb.length).isLessThan(2 * 1024 * 1024);
        var header = ImageGuard.header(bomb).orElseThrow();
        assertThat(header.format()).isEqualTo("png");
        assertThat(header.width()).isEqualTo(33_000);
        assertThat(header.height()).isEqualTo(33_000);
        assertThat(header.frames()).isEqualTo(1);
        assertThat(header.pixels()).isEqualTo(33_000L * 33_000);
    }

    @Test
    void aBombIsRefusedFromItsHeaderWithoutDecodingIt() {
        long before = usedHeap();
        long started = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> guard.check(bomb, "mask"))
                    .isInstanceOf(ImageGuard.TooLarge.class)
                    .hasMessageContaining("mask: the image is 33000x33000")
                    .satisfies(e -> {
                        var refused = (InvalidRequestException) e;
                        assertThat(refused.code()).isEqualTo("image_too_large");
                        assertThat(refused.param()).isEqualTo("mask");
                    });
            assertThatThrownBy(() -> guard.decode(bomb, "image")).isInstanceOf(ImageGuard.TooLarge.class);
        }
        // Decoding even one would take ~1 GB of heap and seconds of inflating; reading ten headers takes neither.
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_000);
        assertThat(usedHeap() - before).isLessThan(256L * 1024 * 1024);
    }

    @Test
    void a4096SquareImagePassesAndOnePixelMoreDoesNot() throws IOException {
        byte[] largest = TestImages.pngBomb(4096, 4096);
        assertThat(guard.check(largest, "image")).map(ImageGuard.Header::width).contains(4096);
        BufferedImage decoded = guard.decode(largest, "image");
        assertThat(decoded.getWidth()).isEqualTo(4096);
        assertThat(decoded.getHeight()).isEqualTo(4096);

        assertThatThrownBy(() -> guard.check(TestImages.pngBomb(4097, 4096), "image"))
                .isInstanceOf(ImageGuard.TooLarge.class);
        assertThatThrownBy(() -> new ImageGuard(new ImageProperties(4096L * 4095)).check(largest, "image"))
                .isInstanceOf(ImageGuard.TooLarge.class);
    }

    @Test
    void everyAcceptedFormatIsReadFromItsHeader() throws IOException {
        for (String format : new String[] {"png", "jpeg", "webp"}) {
            var image = new BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB);
            byte[] bytes = TestImages.encode(image, format);
            var header = guard.check(bytes, "image").orElseThrow();
            assertThat(header.format()).as(format).isEqualTo(format);
            assertThat(header.width()).as(format).isEqualTo(120);
            assertThat(header.height()).as(format).isEqualTo(80);
            assertThat(guard.decode(bytes, "image").getWidth()).as(format).isEqualTo(120);
        }
    }

    @Test
    void bytesThatAreNoImageHaveNoHeader() throws IOException {
        assertThat(ImageGuard.header("<html>".getBytes())).isEmpty();
        assertThat(ImageGuard.header(new byte[0])).isEmpty();
        byte[] png = TestImages.png(10, 10, Color.RED);
        assertThat(ImageGuard.header(Arrays.copyOf(png, 12))).isEmpty();
        assertThat(guard.decode("<html>".getBytes(), "image")).isNull();
    }

    @Test
    void aLimitBelow1024SquareIsAConfigurationError() {
        assertThatThrownBy(() -> new ImageProperties(1000)).isInstanceOf(IllegalArgumentException.class);
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
