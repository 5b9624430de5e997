package com.imagegate.generation.internal;

import java.text.Normalizer;
import java.util.Collection;
import java.util.Locale;

/**
 * How the prompt denylist matches, without regular expressions (so no pattern an admin types can make matching slow):
 * the prompt and each phrase are normalized alike (Unicode NFKC, lower case, every run of characters that are not
 * letters or digits turned into one space), and a phrase matches when its words appear in the prompt as whole words in
 * that order. A phrase ending in {@code *} matches words that start so ({@code kill*} matches "killing"). Matching is
 * linear in the prompt's length for each phrase.
 */
final class DenylistPhrases {

    static final int MAX_LENGTH = 200;
    static final int MIN_PREFIX = 3;

    private DenylistPhrases() {}

    /** The prompt (or a phrase without its star) as it is compared: {@code " words separated by one space "}. */
    static String normalize(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(folded.length() + 2).append(' ');
        boolean space = true;
        for (int i = 0; i < folded.length(); ) {
            int c = folded.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLetterOrDigit(c)) {
                out.appendCodePoint(c);
                space = false;
            } else if (!space) {
                out.append(' ');
                space = true;
            }
        }
        if (!space) {
            out.append(' ');
        }
        return out.toString();
    }

    /**
     * An admin's phrase as it is stored: normalized, without the padding spaces, with its trailing star kept; refused
     * with the reason when it is empty, too long, has a star elsewhere or a prefix too short to be useful.
     */
    static String phrase(String input) {
        String raw = input == null ? "" : input.strip();
        boolean prefix = raw.endsWith("*");
        String body = prefix ? raw.substring(0, raw.length() - 1) : raw;
        if (body.contains("*")) {
            throw new IllegalArgumentException("A * may only end a phrase (kill* matches killing).");
        }
        String words = normalize(body).strip();
        if (words.isEmpty()) {
            throw new IllegalArgumentException("Enter a word or phrase with at least one letter or digit.");
        }
        if (prefix && words.codePointCount(words.lastIndexOf(' ') + 1, words.length()) < MIN_PREFIX) {
            throw new IllegalArgumentException(
                    "A word ending in * needs at least " + MIN_PREFIX + " letters before the star.");
        }
        String stored = prefix ? words + "*" : words;
        if (stored.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Keep a phrase under " + MAX_LENGTH + " characters.");
        }
        return stored;
    }

    /** True when any stored phrase matches the (raw) prompt. */
    static boolean matches(String prompt, Collection<String> phrases) {
        if (prompt == null || phrases.isEmpty()) {
            return false;
        }
        String text = normalize(prompt);
        for (String phrase : phrases) {
            String needle = phrase.endsWith("*") ? " " + phrase.substring(0, phrase.length() - 1) : " " + phrase + " ";
            if (text.contains(needle)) {
                return true;
            }
        }
        return false;
    }
}
