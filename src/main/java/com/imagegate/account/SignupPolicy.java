package com.imagegate.account;

import java.net.IDN;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Rules against sign-up abuse, checked at every password sign-up.
 *
 * @param maxSignupsPerIpPerDay how many accounts one address may create in 24 hours; 0 for no limit
 * @param deniedEmailDomains disposable-email domains refused at sign-up (a subdomain of one is refused too),
 *     normalized: lower-case, sorted, no duplicates
 */
public record SignupPolicy(int maxSignupsPerIpPerDay, List<String> deniedEmailDomains) {

    public static final int MAX_DOMAINS = 5000;
    private static final Pattern DOMAIN =
            Pattern.compile("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$");

    public SignupPolicy {
        if (maxSignupsPerIpPerDay < 0 || maxSignupsPerIpPerDay > 1_000_000) {
            throw new AccountException("maxSignupsPerIpPerDay", "Use a number from 0 (no limit) to 1000000.");
        }
        TreeSet<String> domains = new TreeSet<>();
        for (String raw : deniedEmailDomains == null ? List.<String>of() : deniedEmailDomains) {
            String domain = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
            if (domain.startsWith("@")) {
                domain = domain.substring(1);
            }
            if (domain.isEmpty()) {
                continue;
            }
            String ascii;
            try {
                ascii = IDN.toASCII(domain);
            } catch (IllegalArgumentException invalid) {
                ascii = "";
            }
            if (ascii.length() > 253 || !DOMAIN.matcher(ascii).matches()) {
                throw new AccountException("deniedEmailDomains", "\"" + raw.strip() + "\" is not a domain name.");
            }
            domains.add(ascii);
        }
        if (domains.size() > MAX_DOMAINS) {
            throw new AccountException("deniedEmailDomains", "List at most " + MAX_DOMAINS + " domains.");
        }
        deniedEmailDomains = List.copyOf(domains);
    }

    /** Reads the list an admin typed: one domain per line, or separated by commas or spaces. */
    public static List<String> parseDomains(String text) {
        return text == null || text.isBlank() ? List.of() : List.of(text.strip().split("[\\s,;]+"));
    }

    /** True when the address's domain, or a domain it is a subdomain of, is on the list. */
    public boolean denies(String normalizedEmail) {
        int at = normalizedEmail.lastIndexOf('@');
        String domain = normalizedEmail.substring(at + 1);
        try {
            domain = IDN.toASCII(domain);
        } catch (IllegalArgumentException invalid) {
            return false;
        }
        for (String denied : deniedEmailDomains) {
            if (domain.equals(denied) || domain.endsWith("." + denied)) {
                return true;
            }
        }
        return false;
    }
}
