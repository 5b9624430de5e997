package com.imagegate.credits;

import java.util.Locale;

/** Validation shared by the command records. */
final class References {

    static final int MAX_REFERENCE = 200;
    static final int MAX_ID = 40;
    static final int MAX_ACTOR = 100;
    static final int MAX_REASON = 500;

    /** Entry references the ledger writes itself; a caller's reference may not look like one of them. */
    private static final String[] LEDGER_PREFIXES = {"reserve:", "capture:", "release:", "expiry:"};

    private References() {}

    static String id(String value, String name) {
        return text(value, name, MAX_ID);
    }

    static String reference(String value) {
        return text(value, "reference", MAX_REFERENCE);
    }

    /** A reference for a grant, adjustment or clawback: not in the ledger's own namespaces. */
    static String callerReference(String value) {
        String reference = reference(value);
        String lower = reference.toLowerCase(Locale.ROOT);
        for (String prefix : LEDGER_PREFIXES) {
            if (lower.startsWith(prefix)) {
                throw new IllegalArgumentException("reference must not start with " + prefix + ": " + reference);
            }
        }
        return reference;
    }

    static String actor(String value) {
        return text(value, "actor", MAX_ACTOR);
    }

    static String reason(String value) {
        if (value != null && value.length() > MAX_REASON) {
            throw new IllegalArgumentException("reason must be at most " + MAX_REASON + " characters");
        }
        return value == null || value.isBlank() ? null : value;
    }

    static long positive(long credits) {
        if (credits <= 0) {
            throw new IllegalArgumentException("credits must be positive: " + credits);
        }
        return credits;
    }

    private static String text(String value, String name, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(name + " must be at most " + max + " characters");
        }
        if (!value.equals(value.strip())) {
            throw new IllegalArgumentException(name + " must not start or end with spaces");
        }
        return value;
    }
}
