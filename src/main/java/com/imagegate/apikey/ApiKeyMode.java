package com.imagegate.apikey;

import java.util.Locale;

/** Which renderer a key's tasks use: {@code live} the production upstream, {@code test} the sandbox (never billed). */
public enum ApiKeyMode {
    LIVE("ig_live_"),
    TEST("ig_test_");

    private final String secretPrefix;

    ApiKeyMode(String secretPrefix) {
        this.secretPrefix = secretPrefix;
    }

    /** How every secret of this mode starts: {@code ig_live_} or {@code ig_test_}. */
    public String secretPrefix() {
        return secretPrefix;
    }

    /** The wire and form value: {@code live} or {@code test}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a form or wire value.
     *
     * @throws ApiKeyException when it is neither {@code live} nor {@code test}
     */
    public static ApiKeyMode parse(String raw) {
        if ("live".equals(raw)) {
            return LIVE;
        }
        if ("test".equals(raw)) {
            return TEST;
        }
        throw new ApiKeyException("mode", "Choose live or test.");
    }
}
