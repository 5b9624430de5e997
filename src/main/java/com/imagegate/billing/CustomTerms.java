package com.imagegate.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * An admin's custom terms for one workspace, set on the admin workspace page (the seed's "contact support for custom
 * rate limits"). Each field overrides the plan's value where it is set; a {@code null} field follows the plan, and
 * {@link #NONE} is the plan's defaults throughout. A constructor that accepts a value out of bounds would be a bug: the
 * bounds are checked here, so no stored or applied terms can break them.
 *
 * @param requestsPerMinute task creations per minute ({@value #MIN_REQUESTS_PER_MINUTE} to
 *     {@value #MAX_REQUESTS_PER_MINUTE}), or null for the plan's
 * @param concurrentTasks unfinished tasks at once ({@value #MIN_CONCURRENT_TASKS} to {@value #MAX_CONCURRENT_TASKS}),
 *     or null for the plan's
 * @param priceMultiplier the factor on the list price per image and per enhancement, an exact decimal with two places
 *     from {@link #MIN_MULTIPLIER} to {@link #MAX_MULTIPLIER} (e.g. {@code 0.80} for a negotiated 20% discount), or
 *     null for list prices
 */
public record CustomTerms(Integer requestsPerMinute, Integer concurrentTasks, BigDecimal priceMultiplier) {

    public static final int MIN_REQUESTS_PER_MINUTE = 1;
    public static final int MAX_REQUESTS_PER_MINUTE = 100_000;
    public static final int MIN_CONCURRENT_TASKS = 1;
    public static final int MAX_CONCURRENT_TASKS = 10_000;
    public static final BigDecimal MIN_MULTIPLIER = new BigDecimal("0.10");
    public static final BigDecimal MAX_MULTIPLIER = new BigDecimal("10.00");

    /** No custom terms: the plan's limits and list prices. */
    public static final CustomTerms NONE = new CustomTerms(null, null, null);

    public CustomTerms {
        if (requestsPerMinute != null
                && (requestsPerMinute < MIN_REQUESTS_PER_MINUTE || requestsPerMinute > MAX_REQUESTS_PER_MINUTE)) {
            throw new IllegalArgumentException("requests per minute out of bounds: " + requestsPerMinute);
        }
        if (concurrentTasks != null
                && (concurrentTasks < MIN_CONCURRENT_TASKS || concurrentTasks > MAX_CONCURRENT_TASKS)) {
            throw new IllegalArgumentException("concurrent tasks out of bounds: " + concurrentTasks);
        }
        if (priceMultiplier != null) {
            if (priceMultiplier.compareTo(MIN_MULTIPLIER) < 0
                    || priceMultiplier.compareTo(MAX_MULTIPLIER) > 0
                    || priceMultiplier.stripTrailingZeros().scale() > 2) {
                throw new IllegalArgumentException("price multiplier out of bounds: " + priceMultiplier);
            }
            // One representation per value (0.8 and 0.80 are the same terms), as the database stores it.
            priceMultiplier = priceMultiplier.setScale(2, RoundingMode.UNNECESSARY);
        }
    }

    /** True when nothing is custom. */
    public boolean isEmpty() {
        return requestsPerMinute == null && concurrentTasks == null && priceMultiplier == null;
    }

    /**
     * The terms an admin typed: each field blank (follow the plan) or a value in bounds. Whole numbers may carry
     * {@code _} or {@code ,} as thousands separators; the multiplier is a plain decimal with at most two places (no
     * exponent, no sign other than none).
     *
     * @throws InvalidTerms naming the first field that is not acceptable; nothing is made
     */
    public static CustomTerms parse(String requestsPerMinute, String concurrentTasks, String priceMultiplier) {
        return new CustomTerms(
                whole(requestsPerMinute, "Requests per minute", MIN_REQUESTS_PER_MINUTE, MAX_REQUESTS_PER_MINUTE),
                whole(concurrentTasks, "Concurrent tasks", MIN_CONCURRENT_TASKS, MAX_CONCURRENT_TASKS),
                multiplier(priceMultiplier));
    }

    /** One line for the audit log: each field's value, or "plan" where the plan's applies. */
    public String describe() {
        return "requests/min " + (requestsPerMinute == null ? "plan" : requestsPerMinute)
                + "; concurrent tasks " + (concurrentTasks == null ? "plan" : concurrentTasks)
                + "; price multiplier " + (priceMultiplier == null ? "plan (1.00)" : priceMultiplier.toPlainString());
    }

    private static Integer whole(String typed, String name, int min, int max) {
        String value = typed == null ? "" : typed.strip().replace("_", "").replace(",", "");
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > 12 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidTerms(
                    name + " must be a whole number from " + min + " to " + max + ", or empty to follow the plan.");
        }
        long number = Long.parseLong(value);
        if (number < min || number > max) {
            throw new InvalidTerms(name + " must be from " + min + " to " + max + ", or empty to follow the plan.");
        }
        return (int) number;
    }

    private static BigDecimal multiplier(String typed) {
        String value = typed == null ? "" : typed.strip();
        if (value.isEmpty()) {
            return null;
        }
        String message = "Price multiplier must be a decimal from " + MIN_MULTIPLIER + " to " + MAX_MULTIPLIER
                + " with at most two decimal places (e.g. 0.80), or empty for list prices.";
        // Digits, one optional point, at most two decimals: no sign, exponent, spaces or locale separators.
        if (value.length() > 8 || !value.toLowerCase(Locale.ROOT).matches("[0-9]{1,3}(\\.[0-9]{1,2})?")) {
            throw new InvalidTerms(message);
        }
        BigDecimal number = new BigDecimal(value);
        if (number.compareTo(MIN_MULTIPLIER) < 0 || number.compareTo(MAX_MULTIPLIER) > 0) {
            throw new InvalidTerms(message);
        }
        return number;
    }

    /** Typed terms that are not acceptable; the message says which field and why. */
    public static class InvalidTerms extends IllegalArgumentException {
        public InvalidTerms(String message) {
            super(message);
        }
    }
}
