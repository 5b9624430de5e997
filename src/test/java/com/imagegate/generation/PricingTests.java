package com.imagegate.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PricingTests {

    private final Pricing seedPrices = pricing(new GenerationProperties.Prices(10, 20, 30, 10));

    /** Four different prices, so a size priced from the wrong setting shows. */
    private final Pricing distinctPrices = pricing(new GenerationProperties.Prices(3, 5, 7, 11));

    private static Pricing pricing(GenerationProperties.Prices prices) {
        return new Pricing(new GenerationProperties(
                GenerationProperties.Provider.SANDBOX,
                new GenerationProperties.Sandbox(Duration.ofMillis(1500), "[[fail]]"),
                new GenerationProperties.OpenAi(
                        URI.create("https://api.openai.com"),
                        null,
                        "m",
                        null,
                        10,
                        Duration.ofSeconds(10),
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(8),
                        6,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30),
                        3,
                        Duration.ofSeconds(60),
                        "enhance",
                        "edit"),
                prices,
                new GenerationProperties.Tasks(
                        8,
                        Duration.ofSeconds(60),
                        Duration.ofMinutes(10),
                        Duration.ofDays(30),
                        Duration.ofSeconds(20),
                        Duration.ofMillis(400),
                        Duration.ofSeconds(5)),
                "USD"));
    }

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

    @ParameterizedTest
    @EnumSource(ImageSize.class)
    void everySizeIsPricedFromItsOwnSizeClassSetting(ImageSize size) {
        int expected = switch (size) {
            case SQUARE_1024, LANDSCAPE_1536, PORTRAIT_1536, AUTO -> 3;
            case LANDSCAPE_FULL_HD, PORTRAIT_FULL_HD -> 5;
            case LANDSCAPE_4K, PORTRAIT_4K -> 7;
        };
        assertThat(distinctPrices.creditsPerImage(size)).isEqualTo(expected);
        assertThat(distinctPrices.credits(size, 1)).isEqualTo(expected);
        assertThat(distinctPrices.credits(size, 10)).isEqualTo(10 * expected);
    }

    @Test
    void anEnhancementCostsItsOwnPriceNotAStandardImage() {
        assertThat(distinctPrices.enhancementCredits()).isEqualTo(11);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, Integer.MIN_VALUE})
    void negativeImageCountsAreRefused(int n) {
        assertThatIllegalArgumentException().isThrownBy(() -> seedPrices.credits(ImageSize.SQUARE_1024, n));
    }

    @Test
    void aCostThatOverflowsFailsInsteadOfWrappingToACheapOne() {
        Assertions.assertThatExceptionOfType(ArithmeticException.class)
                .isThrownBy(() -> seedPrices.credits(ImageSize.LANDSCAPE_4K, Integer.MAX_VALUE));
    }

    @ParameterizedTest
    @CsvSource({"0,20,30,10", "10,0,30,10", "10,20,0,10", "10,20,30,0", "-1,20,30,10", "10,20,30,-5"})
    void everyPriceMustBePositive(int standard, int fullHd, int uhd4k, int enhancement) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GenerationProperties.Prices(standard, fullHd, uhd4k, enhancement))
                .withMessageContaining("must all be positive");
    }

    @ParameterizedTest
    @CsvSource({
        // list, multiplier, price: half up to a whole credit, at least 1 for a priced item
        "10, 0.80, 8",
        "10, 0.85, 9",
        "10, 0.84, 8",
        "10, 0.15, 2",
        "10, 0.14, 1",
        "1, 0.10, 1",
        "3, 0.10, 1",
        "5, 0.10, 1",
        "30, 10.00, 300",
        "7, 1.00, 7",
        "0, 0.50, 0",
        "0, 10.00, 0"
    })
    void aMultiplierRoundsHalfUpAndNeverToZero(long list, String multiplier, long price) {
        assertThat(Pricing.apply(list, new java.math.BigDecimal(multiplier))).isEqualTo(price);
    }

    @Test
    void withoutAMultiplierThePriceIsTheListPrice() {
        assertThat(Pricing.apply(20, null)).isEqualTo(20);
        assertThat(distinctPrices.creditsPerImage(ImageSize.LANDSCAPE_4K, null)).isEqualTo(7);
        assertThat(distinctPrices.enhancementCredits(null)).isEqualTo(11);
        assertThat(distinctPrices.credits(ImageSize.SQUARE_1024, 3, null)).isEqualTo(9);
    }

    @Test
    void aTaskCostsNTimesItsPricePerImageSoDeliveredSharesDivideExactly() {
        var discount = new java.math.BigDecimal("0.85");
        // 10 × 0.85 = 8.5 → 9 per image; 3 images are 27 (not 30 × 0.85 = 25.5 → 26).
        assertThat(seedPrices.creditsPerImage(ImageSize.SQUARE_1024, discount)).isEqualTo(9);
        assertThat(seedPrices.credits(ImageSize.SQUARE_1024, 3, discount)).isEqualTo(27);
        assertThat(seedPrices.credits(ImageSize.SQUARE_1024, 3, discount) % 3).isZero();
        // 11 × 0.85 = 9.35 → 9
        assertThat(distinctPrices.enhancementCredits(discount)).isEqualTo(9);
    }

    @Test
    void aMultiplierIsPositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> Pricing.apply(10, java.math.BigDecimal.ZERO));
        assertThatIllegalArgumentException().isThrownBy(() -> Pricing.apply(-1, java.math.BigDecimal.ONE));
    }
}
