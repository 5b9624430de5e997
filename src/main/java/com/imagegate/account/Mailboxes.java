package com.imagegate.account;

import java.util.Locale;
import java.util.Set;

/**
 * Which person a mailbox belongs to, for the once-per-person free credits: addresses that deliver to the same inbox
 * get the same key.
 *
 * <ul>
 *   <li>lower-case (the stored address already is);
 *   <li>a {@code +tag} in the local part is dropped ({@code a+1@x.test} is {@code a@x.test});
 *   <li>at providers that ignore dots in the local part — {@code gmail.com} and {@code googlemail.com}, which is the
 *       same provider and counts as {@code gmail.com} — the dots are dropped ({@code a.b@googlemail.com} is
 *       {@code ab@gmail.com}).
 * </ul>
 */
public final class Mailboxes {

    /** Domains whose mail servers ignore dots in the local part, mapped to the one domain they all count as. */
    private static final Set<String> DOTS_IGNORED = Set.of("gmail.com", "googlemail.com");

    private static final String GMAIL = "gmail.com";

    private Mailboxes() {}

    /**
     * The person key of an address.
     *
     * @param email an address as {@link SignUp#normalizeEmail(String)} returns it (normalized here again, so any
     *     casing works)
     */
    public static String person(String email) {
        String normalized = SignUp.normalizeEmail(email);
        int at = normalized.lastIndexOf('@');
        String local = normalized.substring(0, at);
        String domain = normalized.substring(at + 1).toLowerCase(Locale.ROOT);
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        if (DOTS_IGNORED.contains(domain)) {
            local = local.replace(".", "");
            domain = GMAIL;
        }
        return local + "@" + domain;
    }
}
