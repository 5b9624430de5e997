package com.imagegate.generation;

import org.springframework.stereotype.Service;

/** Credits per image, from {@code imagegate.generation.prices.*}. */
@Service
public class Pricing {

    private final GenerationProperties.Prices prices;

    Pricing(GenerationProperties properties) {
        this.prices = properties.prices();
    }

    /** Credits for one image of this size. */
    public int creditsPerImage(ImageSize size) {
        return switch (size.sizeClass()) {
            case STANDARD -> prices.standard();
            case FULL_HD -> prices.fullHd();
            case UHD_4K -> prices.uhd4k();
        };
    }

    /** Credits for {@code n} images of this size. */
    public int credits(ImageSize size, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1");
        }
        return Math.multiplyExact(creditsPerImage(size), n);
    }

    /** Credits for one image enhancement. */
    public int enhancementCredits() {
        return prices.enhancement();
    }
}
