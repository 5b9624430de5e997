package com.imagegate.account;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A sign-up with email and password. Validates itself: a {@code SignUp} that exists is acceptable.
 *
 * @param email the address, normalized (NFC, trimmed, lower-cased)
 * @param password the password as typed
 */
public record SignUp(String email, String password) {

    /** bcrypt reads at most 72 bytes; longer passwords would be silently cut, so they are refused. */
    public static final int MAX_PASSWORD_BYTES = 72;

    public static final int MIN_PASSWORD_LENGTH = 8;

    public SignUp {
        email = normalizeEmail(email);
        checkPassword(password, email);
    }

    /** Normalizes and checks an email address the way sign-up and sign-in both read it. */
    public static String normalizeEmail(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new AccountException("email", "Enter your email address.");
        }
        String email = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        if (email.length() > Emails.MAX_LENGTH || !Emails.PATTERN.matcher(email).matches()) {
            throw new AccountException("email", "Enter a valid email address, like name@example.com.");
        }
        return email;
    }

    /** Checks a new password: 8 characters to 72 bytes, not the email address. */
    public static void checkPassword(String password, String email) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD_LENGTH) {
            throw new AccountException("password", "Use at least " + MIN_PASSWORD_LENGTH + " characters.");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new AccountException("password", "Use at most " + MAX_PASSWORD_BYTES + " bytes (about 72 letters).");
        }
        if (password.equalsIgnoreCase(email)) {
            throw new AccountException("password", "Your password must not be your email address.");
        }
    }

    @Override
    public String toString() {
        return "SignUp[email=" + email + ", password=***]";
    }

    private static final class Emails {
        static final int MAX_LENGTH = 254;
        // Pragmatic: one @, no spaces or control characters, a dot in the domain, no dot at either end of a part.
        static final Pattern PATTERN = Pattern.compile(
                "^[^\\s@\\p{Cntrl}.][^\\s@\\p{Cntrl}]{0,63}@[^\\s@\\p{Cntrl}.]([^\\s@\\p{Cntrl}]*[^\\s@\\p{Cntrl}.])?\\.[^\\s@\\p{Cntrl}.]{2,}$");
    }
}
