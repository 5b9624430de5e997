package com.imagegate.generation.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ImageProperties;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Quality;
import com.imagegate.generation.spi.GeneratedImage;
import com.imagegate.generation.spi.ImageRequest;
import com.imagegate.generation.spi.ProviderException;
import com.imagegate.testsupport.TestImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SandboxProviderTests {

    private final SandboxProvider sandbox =
            new SandboxProvider(new GenerationProperties.Sandbox(Duration.ZERO, "[[fail]]"), GUARD);

    static final ImageGuard GUARD = new ImageGuard(new ImageProperties(4096L * 4096));

    private static ImageRequest request(String prompt, int n, ImageSize size, OutputFormat format) {
        return new ImageRequest(
                "task_test", "gpt-image-2-2026-04-21", prompt, List.of(), n, size, Quality.AUTO, format, null);
    }

    private static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(image).as("decodes").isNotNull();
        return image;
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void drawsARealImageOfTheRequestedFormatAndSize(OutputFormat format) throws IOException {
        var images = sandbox.generate(request("A lighthouse at dawn", 2, ImageSize.LANDSCAPE_1536, format));

        assertThat(images).hasSize(2);
        for (GeneratedImage image : images) {
            assertThat(image.format()).isEqualTo(format);
            BufferedImage decoded = decode(image.bytes());
            assertThat(decoded.getWidth()).isEqualTo(1536);
            assertThat(decoded.getHeight()).isEqualTo(1024);
        }
        assertThat(magic(images.getFirst().bytes(), format)).isTrue();
    }

    @Test
    void autoSizeIsSquare() throws IOException {
        var image = sandbox.generate(request("x", 1, ImageSize.AUTO, OutputFormat.PNG))
                .getFirst();

        assertThat(decode(image.bytes()).getWidth()).isEqualTo(1024);
        assertThat(image.height()).isEqualTo(1024);
    }

    @Test
    void samePromptDrawsTheSameImageAndEachOfNDiffers() {
        var first = sandbox.generate(request("same prompt", 2, ImageSize.SQUARE_1024, OutputFormat.PNG));
        var again = sandbox.generate(request("same prompt", 2, ImageSize.SQUARE_1024, OutputFormat.PNG));

        assertThat(first.get(0).bytes()).isEqualTo(again.get(0).bytes());
        assertThat(first.get(0).bytes()).isNotEqualTo(first.get(1).bytes());
    }

    @Test
    void theFailTriggerFailsWithOurOwnCode() {
        assertThatThrownBy(() -> sandbox.generate(request("please [[fail]] now", 1, ImageSize.AUTO, OutputFormat.PNG)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.code()).isEqualTo("generation_failed");
                    assertThat(e.retryable()).isFalse();
                });
    }

    private static boolean magic(byte[] bytes, OutputFormat format) {
        return switch (format) {
            case PNG -> bytes[0] == (byte) 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
            case JPEG -> bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xD8;
            case WEBP -> new String(bytes, 0, 4).equals("RIFF") && new String(bytes, 8, 4).equals("WEBP");
        };
    }

    @Test
    void aReferenceOrMaskOverThePixelLimitFailsTheRenderWithoutBeingDecoded() {
        byte[] bomb = TestImages.pngBomb(33_000, 33_000);
        byte[] small = TestImages.png(64, 64, Color.RED);
        var asReference = new ImageRequest(
                "task_test",
                "gpt-image-2",
                "x",
                List.of(bomb),
                1,
                ImageSize.SQUARE_1024,
                Quality.AUTO,
                OutputFormat.PNG,
                null);
        var asMask = new ImageRequest(
                "task_test",
                "gpt-image-2",
                "x",
                List.of(small),
                1,
                ImageSize.SQUARE_1024,
                Quality.AUTO,
                OutputFormat.PNG,
                null,
                2,
                bomb);
        for (var request : List.of(asReference, asMask)) {
            assertThatThrownBy(() -> sandbox.generate(request))
                    .isInstanceOf(ProviderException.class)
                    .satisfies(e -> assertThat(((ProviderException) e).code()).isEqualTo("image_too_large"));
        }
        assertThatThrownBy(() -> sandbox.enhance(asReference))
                .isInstanceOf(ProviderException.class)
                .satisfies(e -> assertThat(((ProviderException) e).code()).isEqualTo("image_too_large"));
    }

    @Test
    void partialImagesComeBeforeTheFinalOnesAtTheAskedSizeAndFormatNoMoreThanAsked() throws IOException {
        List<GeneratedImage> partials = new java.util.ArrayList<>();
        var sink = new com.imagegate.generation.spi.PartialImages() {
            @Override
            public int asked() {
                return 2;
            }

            @Override
            public void add(GeneratedImage partial) {
                partials.add(partial);
            }
        };

        var images =
                sandbox.generate(request("A lighthouse at dawn", 1, ImageSize.PORTRAIT_1536, OutputFormat.WEBP), sink);

        assertThat(images).hasSize(1);
        assertThat(partials).hasSize(2);
        for (GeneratedImage partial : partials) {
            assertThat(partial.format()).isEqualTo(OutputFormat.WEBP);
            BufferedImage decoded = decode(partial.bytes());
            assertThat(decoded.getWidth()).isEqualTo(1024);
            assertThat(decoded.getHeight()).isEqualTo(1536);
        }
        assertThat(partials.get(0).bytes()).isNotEqualTo(partials.get(1).bytes());
        assertThat(images.getFirst().bytes()).isNotEqualTo(partials.get(1).bytes());
    }

    @Test
    void withoutPartialsAskedNoneAreMade() {
        List<GeneratedImage> partials = new java.util.ArrayList<>();
        var none = new com.imagegate.generation.spi.PartialImages() {
            @Override
            public int asked() {
                return 0;
            }

            @Override
            public void add(GeneratedImage partial) {
                partials.add(partial);
            }
        };
        assertThat(sandbox.generate(request("x", 1, ImageSize.SQUARE_1024, OutputFormat.PNG), none))
                .hasSize(1);
        assertThat(partials).isEmpty();
    }
}
