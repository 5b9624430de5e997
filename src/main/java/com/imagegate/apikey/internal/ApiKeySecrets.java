package com.imagegate.apikey.internal;

import com.imagegate.apikey.ApiKeyMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The secret format: {@code ig_live_} or {@code ig_test_} and 43 base62 characters drawn from {@link SecureRandom}
 * (43 × log2 62 ≈ 256 bits, above the 192 required). Only the SHA-256 of the whole secret is stored, with its first
 * {@value #VISIBLE_PREFIX_LENGTH} characters so people can tell their keys apart.
 */
final class ApiKeySecrets {

    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static final int RANDOM_LENGTH = 43;
    static final int VISIBLE_PREFIX_LENGTH = 12;
    static final Pattern FORMAT = Pattern.compile("ig_(live|test)_[0-9A-Za-z]{" + RANDOM_LENGTH + "}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeySecrets() {}

    static String generate(ApiKeyMode mode) {
        StringBuilder secret = new StringBuilder(mode.secretPrefix().length() + RANDOM_LENGTH);
        secret.append(mode.secretPrefix());
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            // nextInt(bound) rejects biased draws, so every character is uniform over the 62.
            secret.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }

    /** True for something shaped like a secret; anything else is refused without a database read. */
    static boolean wellFormed(String candidate) {
        return candidate != null
                && candidate.length() == ApiKeyMode.LIVE.secretPrefix().length() + RANDOM_LENGTH
                && FORMAT.matcher(candidate).matches();
    }

    static ApiKeyMode modeOf(String wellFormedSecret) {
        return wellFormedSecret.startsWith(ApiKeyMode.TEST.secretPrefix()) ? ApiKeyMode.TEST : ApiKeyMode.LIVE;
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java platform has SHA-256", impossible);
        }
    }

    /** The stored form of a hash: 64 lower-case hex digits. */
    static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }

    static byte[] unhex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    /** Constant-time: how long it takes says nothing about how much of the hash matched. */
    static boolean sameHash(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    static String visiblePrefix(String secret) {
        return secret.substring(0, VISIBLE_PREFIX_LENGTH);
    }
}
