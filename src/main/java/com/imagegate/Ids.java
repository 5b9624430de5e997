package com.imagegate;

import java.security.SecureRandom;

/**
 * Prefixed, opaque identifiers ({@code usr_…}, {@code ws_…}, {@code task_…}): never sequential numbers that leak
 * volumes or invite enumeration.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int RANDOM_CHARS = 24; // 36^24 ≈ 2^124

    private Ids() {}

    /** A new id such as {@code usr_3k9x…}: the prefix, an underscore and 24 random base-36 characters. */
    public static String next(String prefix) {
        if (prefix == null || !prefix.matches("[a-z]{1,8}")) {
            throw new IllegalArgumentException("id prefix must be 1-8 lowercase letters: " + prefix);
        }
        char[] chars = new char[RANDOM_CHARS];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return prefix + "_" + new String(chars);
    }
}
