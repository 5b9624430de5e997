package com.imagegate.generation;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.springframework.stereotype.Service;

/**
 * Credits per image, from {@code imagegate.generation.prices.*} (the list prices), and a workspace's prices under its
 * custom price multiplier ({@link #apply}). A task's price is always {@code n ×} its price per image, so the share of
 * the images delivered of a partly failed task divides it exactly.
 */
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

    /** Credits for one image of this size at the workspace's price multiplier (null: the list price). */
    public long creditsPerImage(ImageSize size, BigDecimal multiplier) {
        return apply(creditsPerImage(size), multiplier);
    }

    /** Credits for {@code n} images of this size at the workspace's price multiplier: {@code n ×} the price per image. */
    public long credits(ImageSize size, int n, BigDecimal multiplier) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1");
        }
        return Math.multiplyExact(creditsPerImage(size, multiplier), n);
    }

    /** Credits for one image enhancement at the workspace's price multiplier (null: the list price). */
    public long enhancementCredits(BigDecimal multiplier) {
        return apply(enhancementCredits(), multiplier);
    }

    /**
     * A list price (per image, or per enhancement) under a price multiplier: {@code list × multiplier}, rounded half up
     * to a whole credit (8.5 → 9, 8.49 → 8), and never below 1 credit when the list price is above 0 (a multiplier of
     * 0.10 on a 1-credit image is 1 credit, not 0). A list price of 0 stays 0; a null multiplier is the list price.
     * Exact decimal arithmetic, so the same inputs always give the same price on every node.
     */
    public static long apply(long listCredits, BigDecimal multiplier) {
        if (listCredits < 0) {
            throw new IllegalArgumentException("a list price is never negative");
        }
        if (multiplier == null || listCredits == 0) {
            return listCredits;
        }
        if (multiplier.signum() <= 0) {
            throw new IllegalArgumentException("a price multiplier is positive");
        }
        long price = BigDecimal.valueOf(listCredits)
                .multiply(multiplier)
                .setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
        return Math.max(1, price);
    }
}
