package com.imagegate.generation;

/**
 * What one upstream channel charges the operator per image of one size and quality, in integer micro-units of the
 * operator's cost currency ({@code imagegate.generation.cost-currency}; 1 USD = 1,000,000 micros).
 *
 * @param micros the price in force
 * @param defaultMicros the built-in default (OpenAI's published price, or an estimate from it; see docs/operations.md)
 * @param overridden true when an admin set this cell (the price may still equal the default)
 */
public record UpstreamPrice(ImageSize size, Quality quality, long micros, long defaultMicros, boolean overridden) {

    public UpstreamPrice {
        if (size == null || quality == null) {
            throw new IllegalArgumentException("a price needs a size and a quality");
        }
        if (micros < 0 || defaultMicros < 0) {
            throw new IllegalArgumentException("a price cannot be negative");
        }
    }

    /** The price as a decimal amount, e.g. {@code 0.167}. */
    public String amount() {
        return Micros.format(micros);
    }

    /** The default as a decimal amount. */
    public String defaultAmount() {
        return Micros.format(defaultMicros);
    }
}
