package com.imagegate.generation;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money amounts as integer micro-units (1 unit of the currency = 1,000,000 micros): exact sums, no floating point.
 * Read from and written as plain decimals ({@code 0.167}).
 */
public final class Micros {

    /** The largest price per image an admin may set: 1,000 units of the currency. */
    public static final long MAX_PRICE = 1_000L * 1_000_000L;

    private Micros() {}

    /** {@code 167000} → {@code 0.167}; at least two decimals ({@code 0.00}, {@code 1.50}), at most six. */
    public static String format(long micros) {
        BigDecimal amount = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return amount.setScale(Math.max(2, amount.scale()), RoundingMode.UNNECESSARY)
                .toPlainString();
    }

    /**
     * Reads a non-negative decimal amount of at most six decimals and at most {@link #MAX_PRICE}.
     *
     * @throws IllegalArgumentException with a message for the admin when it is not one
     */
    public static long parsePrice(String text) {
        String value = text == null ? "" : text.strip();
        if (!value.matches("\\d{1,7}(\\.\\d{0,12})?|\\.\\d{1,12}")) {
            throw new IllegalArgumentException("Enter a price such as 0.167 (digits and one dot, no sign).");
        }
        BigDecimal amount = new BigDecimal(value).stripTrailingZeros();
        if (amount.scale() > 6) {
            throw new IllegalArgumentException("A price has at most six decimals (" + value + ").");
        }
        long micros = amount.movePointRight(6).longValueExact();
        if (micros > MAX_PRICE) {
            throw new IllegalArgumentException("A price per image must be at most " + format(MAX_PRICE) + ".");
        }
        return micros;
    }
}
