package com.imagegate.generation.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ImageProperties;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.provider.ImageEncoder;
import com.imagegate.testsupport.TestImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ImageChecksTests {

    static final ImageGuard GUARD = new ImageGuard(new ImageProperties(4096L * 4096));

    static byte[] image(int width, int height, OutputFormat format) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillOval(10, 10, width - 20, height - 20);
        g.dispose();
        return ImageEncoder.encode(image, format);
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void aWholeImageOfTheAskedSizePasses(OutputFormat format) throws Exception {
        var checked = ImageChecks.verify(image(1024, 1536, format), ImageSize.PORTRAIT_1536, format, GUARD);
        assertThat(checked.width()).isEqualTo(1024);
        assertThat(checked.height()).isEqualTo(1536);
        assertThat(checked.format()).isEqualTo(format);
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void anImageCutShortIsRefusedEvenWhereDecodersWouldForgiveIt(OutputFormat format) {
        byte[] whole = image(1024, 1024, format);
        byte[] cut = Arrays.copyOf(whole, whole.length * 3 / 5);
        assertThat(ImageChecks.complete(whole, format)).isTrue();
        assertThat(ImageChecks.complete(cut, format)).isFalse();
        assertThatThrownBy(() -> ImageChecks.verify(cut, ImageSize.AUTO, format, GUARD))
                .isInstanceOf(ImageChecks.BadImage.class)
                .hasMessageContaining("cut short");
    }

    @Test
    void anotherSizeThanAskedIsRefused() {
        assertThatThrownBy(() -> ImageChecks.verify(
                        image(1024, 1024, OutputFormat.PNG), ImageSize.LANDSCAPE_FULL_HD, OutputFormat.PNG, GUARD))
                .isInstanceOf(ImageChecks.BadImage.class)
                .hasMessageContaining("1024x1024, not the 1920x1088");
    }

    @Test
    void anotherFormatThanAskedIsReencoded() throws Exception {
        var checked = ImageChecks.verify(image(1024, 1024, OutputFormat.PNG), ImageSize.AUTO, OutputFormat.JPEG, GUARD);
        assertThat(ImageChecks.formatOf(checked.bytes())).isEqualTo(OutputFormat.JPEG);
        assertThat(checked.format()).isEqualTo(OutputFormat.JPEG);
    }

    @Test
    void somethingElseIsNotAnImage() {
        assertThatThrownBy(() -> ImageChecks.verify("<html>".getBytes(), ImageSize.AUTO, OutputFormat.PNG, GUARD))
                .isInstanceOf(ImageChecks.BadImage.class);
    }

    @Test
    void anUpstreamImageBombIsRefusedFromItsHeaderBeforeItIsDecoded() {
        byte[] bomb = TestImages.pngBomb(33_000, 33_000);
        long started = System.nanoTime();
        assertThatThrownBy(() -> ImageChecks.verify(bomb, ImageSize.AUTO, OutputFormat.PNG, GUARD))
                .isInstanceOf(ImageChecks.BadImage.class)
                .hasMessageContaining("over the pixel limit");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1_000);
    }
}
