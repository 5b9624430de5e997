package com.imagegate.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class PricingTests {

    private final Pricing seedPrices = new Pricing(new GenerationProperties(
            GenerationProperties.Provider.SANDBOX,
            new GenerationProperties.Sandbox(java.time.Duration.ofMillis(1500), "[[fail]]"),
            new GenerationProperties.OpenAi(
                    java.net.URI.create("https://api.openai.com"),
                    null,
                    "m",
                    null,
                    10,
                    java.time.Duration.ofSeconds(10),
                    java.time.Duration.ofMinutes(5),
                    java.time.Duration.ofMinutes(8),
                    6,
                    java.time.Duration.ofSeconds(1),
                    java.time.Duration.ofSeconds(30),
                    3,
                    java.time.Duration.ofSeconds(60),
                    "enhance",
                    "edit"),
            new GenerationProperties.Prices(10, 20, 30, 10),
            new GenerationProperties.Tasks(
                    8,
                    java.time.Duration.ofSeconds(60),
                    java.time.Duration.ofMinutes(10),
                    java.time.Duration.ofDays(30),
                    java.time.Duration.ofSeconds(20))));

    @Test
    void seedPriceTableIsTheDefault() {
        assertThat(seedPrices.creditsPerImage(ImageSize.SQUARE_1024)).isEqualTo(10);
        assertThat(seedPrices.creditsPerImage(ImageSize.PORTRAIT_1536)).isEqualTo(10);
        assertThat(seedPrices.creditsPerImage(ImageSize.AUTO)).isEqualTo(10);
        assertThat(seedPrices.creditsPerImage(ImageSize.PORTRAIT_FULL_HD)).isEqualTo(20);
        assertThat(seedPrices.creditsPerImage(ImageSize.LANDSCAPE_4K)).isEqualTo(30);
        assertThat(seedPrices.enhancementCredits()).isEqualTo(10);
    }

    @Test
    void aTaskCostsNTimesThePricePerImage() {
        assertThat(seedPrices.credits(ImageSize.LANDSCAPE_4K, 4)).isEqualTo(120);
    }

    @Test
    void zeroImagesIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> seedPrices.credits(ImageSize.AUTO, 0));
    }

    @Test
    void nonPositivePricesAreRefusedAtStart() {
        assertThatIllegalArgumentException().isThrownBy(() -> new GenerationProperties.Prices(10, 0, 30, 10));
    }
}
