package com.imagegate.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses a server-side fetch may connect to: public unicast only. Loopback, private, link-local (which holds
 * cloud metadata at 169.254.169.254), unique-local, multicast, unspecified, CGNAT and reserved IPv4 are refused.
 *
 * <p>IPv6 is allowed only in global unicast ({@code 2000::/3}), and there not in the ranges that carry or lead to an
 * IPv4 address — 6to4 ({@code 2002::/16}), Teredo ({@code 2001::/32}, in the IETF protocol block {@code 2001::/23}) —
 * nor documentation ({@code 2001:db8::/32}, {@code 3fff::/20}). Everything outside {@code 2000::/3} is refused with
 * it, among them NAT64 ({@code 64:ff9b::/96}, {@code 64:ff9b:1::/48}), IPv4-compatible ({@code ::a.b.c.d}) and
 * IPv4-mapped ({@code ::ffff:a.b.c.d}) forms, discard-only {@code 100::/64}, site-local and unique-local addresses: a
 * form that embeds an IPv4 address is refused outright rather than judged by that address, so a NAT64 gateway or a
 * 6to4 relay in front of us cannot take a fetch to 169.254.169.254 or 10.0.0.1. (Java turns a textual
 * {@code ::ffff:a.b.c.d} into that IPv4 address, which is then judged as IPv4.)
 */
public final class AddressPolicy {

    private AddressPolicy() {}

    public static boolean isPublic(InetAddress address) {
        return refusal(address) == null;
    }

    /**
     * Why {@code address} is refused, or null when it is public. The reasons are short fixed words
     * ({@code "loopback"}, {@code "nat64"}, …) for tests and logs; callers show the caller none of them.
     */
    public static String refusal(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return refusalV4(b);
        }
        if (address instanceof Inet6Address) {
            return refusalV6(b);
        }
        return "unknown-family";
    }

    private static String refusalV4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0) {
            return "this-network";
        }
        if (first == 100 && second >= 64 && second <= 127) {
            return "cgnat"; // 100.64/10
        }
        if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
            return "protocol-assignments"; // 192.0.0/24
        }
        if (first == 198 && (second == 18 || second == 19)) {
            return "benchmarking";
        }
        if (first >= 240) {
            return "reserved"; // and broadcast
        }
        return null;
    }

    private static String refusalV6(byte[] b) {
        int w0 = word(b, 0);
        int w1 = word(b, 1);
        if (w0 == 0x0064 && w1 == 0xff9b) {
            return "nat64"; // 64:ff9b::/96 well-known prefix
        }
        if (w0 == 0x0064 && w1 == 0xff9b + 1) {
            return "nat64"; // 64:ff9b:1::/48 local-use
        }
        if (isZero(b, 0, 10) && word(b, 5) == 0xffff) {
            return "ipv4-mapped"; // ::ffff:a.b.c.d
        }
        if (isZero(b, 0, 12)) {
            return "ipv4-compatible"; // ::a.b.c.d (:: and ::1 were refused above)
        }
        if (w0 == 0x2002) {
            return "6to4"; // 2002::/16
        }
        if (w0 == 0x2001 && w1 == 0) {
            return "teredo"; // 2001::/32
        }
        if (w0 == 0x2001 && w1 < 0x0200) {
            return "ietf-protocol-assignments"; // 2001::/23
        }
        if (w0 == 0x2001 && w1 == 0x0db8) {
            return "documentation";
        }
        if (w0 == 0x3fff && w1 < 0x1000) {
            return "documentation"; // 3fff::/20
        }
        if ((w0 & 0xe000) != 0x2000) {
            return "not-global-unicast"; // outside 2000::/3: unique-local, discard-only, site-local, reserved
        }
        return null;
    }

    private static int word(byte[] b, int index) {
        return ((b[2 * index] & 0xff) << 8) | (b[2 * index + 1] & 0xff);
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
