package com.imagegate.account;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Rules against sign-up abuse, checked at every sign-up (password or provider).
 *
 * @param maxSignupsPerIpPerDay how many accounts one network — an IPv4 address, or an IPv6 /64 prefix (what one
 *     subscriber is usually given) — may create per UTC day; 0 for no limit
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

    /**
     * The network a client address counts against: the IPv4 address itself ({@code 203.0.113.7}; an IPv4-mapped IPv6
     * address counts as its IPv4 address), or the /64 prefix of an IPv6 address ({@code 2001:db8:1:2::/64}). A
     * {@code /64} prefix written that way is read as itself, so admins can type either form.
     *
     * @return the network, or null when the text is not an IP address (never looked up in DNS)
     */
    public static String network(String address) {
        if (address == null) {
            return null;
        }
        String text = address.strip();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.endsWith("/64") && text.contains(":")) {
            text = text.substring(0, text.length() - 3);
        }
        int zone = text.indexOf('%');
        if (zone >= 0) {
            text = text.substring(0, zone);
        }
        boolean ipv4 = IPV4.matcher(text).matches();
        if (ipv4) {
            for (String octet : text.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null; // else it would be taken for a host name
                }
            }
        }
        if (text.isEmpty()
                || text.length() > 45
                || !(ipv4 || IPV6_CHARS.matcher(text).matches())) {
            return null;
        }
        InetAddress parsed;
        try {
            // A literal only (checked above), so this never resolves a name.
            parsed = InetAddress.getByName(text);
        } catch (UnknownHostException | SecurityException invalid) {
            return null;
        }
        byte[] bytes = parsed.getAddress();
        if (parsed instanceof Inet4Address) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        if (!(parsed instanceof Inet6Address)) {
            return null;
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)))
                    .append(':');
        }
        return prefix.append(":/64").toString();
    }

    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");

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
