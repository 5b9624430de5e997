package com.imagegate.apikey;

import java.text.Normalizer;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * What a person asks for when they create a key. Validates itself: a {@code NewApiKey} that exists is acceptable,
 * except for the expiry date, which {@link ApiKeys#create} checks against the clock.
 *
 * @param name 1–100 characters, no control or bidirectional-override characters; stripped and NFC-normalized
 * @param mode live or test
 * @param expiresOn the last day (UTC) the key works, or {@code null} for no expiry
 * @param monthlyCreditCap the budget: 1 to {@value #MAX_MONTHLY_CREDIT_CAP} credits per {@code budgetPeriod}, or
 *     {@code null} for none (the name is the published one, from when every budget was monthly)
 * @param budgetPeriod the period the budget is counted over; {@code null} means a month
 * @param userDailyCreditLimit this key's own daily credit limit per end user ({@code user}), 0 to {@value
 *     #MAX_USER_DAILY_CREDIT_LIMIT}, overriding the workspace's default for requests made with the key; {@code null}
 *     for the workspace's default. 0 means no end user may spend through this key. "Unlimited for this key" is not
 *     offered: the largest value is far beyond any real day.
 */
public record NewApiKey(
        String name,
        ApiKeyMode mode,
        LocalDate expiresOn,
        Long monthlyCreditCap,
        KeyBudgetPeriod budgetPeriod,
        Long userDailyCreditLimit) {

    public static final int MAX_NAME_LENGTH = 100;
    public static final long MAX_MONTHLY_CREDIT_CAP = 1_000_000_000L;
    /** The same ceiling as the workspace's default limit per end user. */
    public static final long MAX_USER_DAILY_CREDIT_LIMIT = 1_000_000_000_000L;

    public NewApiKey {
        name = checkName(name);
        if (mode == null) {
            throw new ApiKeyException("mode", "Choose live or test.");
        }
        if (monthlyCreditCap != null && (monthlyCreditCap < 1 || monthlyCreditCap > MAX_MONTHLY_CREDIT_CAP)) {
            throw new ApiKeyException("monthlyCreditCap", "The budget must be between 1 and 1,000,000,000 credits.");
        }
        if (budgetPeriod == null) {
            budgetPeriod = KeyBudgetPeriod.MONTH;
        }
        if (userDailyCreditLimit != null
                && (userDailyCreditLimit < 0 || userDailyCreditLimit > MAX_USER_DAILY_CREDIT_LIMIT)) {
            throw new ApiKeyException(
                    "userDailyCreditLimit",
                    "The daily limit per end user must be between 0 and 1,000,000,000,000 credits.");
        }
    }

    /** A key with a budget, or none, and the workspace's default limit per end user. */
    public NewApiKey(
            String name, ApiKeyMode mode, LocalDate expiresOn, Long monthlyCreditCap, KeyBudgetPeriod budgetPeriod) {
        this(name, mode, expiresOn, monthlyCreditCap, budgetPeriod, null);
    }

    /** A key with a monthly budget, or none. */
    public NewApiKey(String name, ApiKeyMode mode, LocalDate expiresOn, Long monthlyCreditCap) {
        this(name, mode, expiresOn, monthlyCreditCap, KeyBudgetPeriod.MONTH);
    }

    /** Checks and normalizes a key name. */
    public static String checkName(String raw) {
        String name = raw == null ? "" : Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
        if (name.isEmpty()) {
            throw new ApiKeyException("name", "Give the key a name, like \"Production server\".");
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            throw new ApiKeyException("name", "Use at most " + MAX_NAME_LENGTH + " characters for the name.");
        }
        if (name.codePoints().anyMatch(NewApiKey::isForbiddenInName)) {
            throw new ApiKeyException("name", "The name must not contain control characters or line breaks.");
        }
        return name;
    }

    /**
     * Reads the expiry date of the form: empty means none, else {@code YYYY-MM-DD}.
     *
     * @throws ApiKeyException when it is not such a date
     */
    public static LocalDate parseExpiresOn(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = raw.strip();
        if (value.length() != 10) {
            throw new ApiKeyException("expiresOn", "Enter the expiry date as YYYY-MM-DD, or leave it empty.");
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException notADate) {
            throw new ApiKeyException("expiresOn", "Enter the expiry date as YYYY-MM-DD, or leave it empty.");
        }
    }

    /**
     * Reads the credit budget (amount) of the form: empty means none, else a positive whole number.
     *
     * @throws ApiKeyException when it is not a whole number from 1 to {@value #MAX_MONTHLY_CREDIT_CAP}
     */
    public static Long parseMonthlyCreditCap(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = raw.strip().replace(",", "").replace("_", "");
        if (!value.matches("[0-9]{1,10}")) {
            throw new ApiKeyException(
                    "monthlyCreditCap", "Enter the budget as a whole number of credits, like 5000, or leave it empty.");
        }
        long cap = Long.parseLong(value);
        if (cap < 1 || cap > MAX_MONTHLY_CREDIT_CAP) {
            throw new ApiKeyException("monthlyCreditCap", "The budget must be between 1 and 1,000,000,000 credits.");
        }
        return cap;
    }

    /**
     * Reads the key's daily credit limit per end user as typed in the form: empty means the workspace's default;
     * otherwise whole credits from 0 to {@value #MAX_USER_DAILY_CREDIT_LIMIT} (commas, underscores and spaces between
     * digits are ignored).
     *
     * @throws ApiKeyException when it is not such a number
     */
    public static Long parseUserDailyCreditLimit(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = raw.strip().replaceAll("(?<=\\d)[ ,_](?=\\d)", "");
        if (!value.matches("[0-9]{1,13}")) {
            throw new ApiKeyException(
                    "userDailyCreditLimit",
                    "Enter the daily limit per end user as a whole number of credits, like 500, or leave it empty"
                            + " for the workspace's default.");
        }
        long limit = Long.parseLong(value);
        if (limit > MAX_USER_DAILY_CREDIT_LIMIT) {
            throw new ApiKeyException(
                    "userDailyCreditLimit", "The daily limit per end user can be at most 1,000,000,000,000 credits.");
        }
        return limit;
    }

    private static boolean isForbiddenInName(int codePoint) {
        return Character.isISOControl(codePoint)
                || Character.getType(codePoint) == Character.LINE_SEPARATOR
                || Character.getType(codePoint) == Character.PARAGRAPH_SEPARATOR
                || Character.getType(codePoint) == Character.SURROGATE // an unpaired half
                || Character.getType(codePoint) == Character.UNASSIGNED
                || Character.getType(codePoint) == Character.PRIVATE_USE
                || (codePoint >= 0x202A && codePoint <= 0x202E) // bidirectional embeddings and overrides
                || (codePoint >= 0x2066 && codePoint <= 0x2069); // bidirectional isolates
    }
}
