package com.imagegate.web.internal;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.util.NetMask;
import org.apache.catalina.valves.RemoteIpValve;

/**
 * Tomcat's {@link RemoteIpValve}, believing only the proxies of {@code imagegate.trusted-proxies}: a request whose
 * connection comes from one of them gets its client address from {@code X-Forwarded-For} (the right-most entry that
 * is not a trusted proxy) and its scheme from {@code X-Forwarded-Proto}; any other request keeps its socket address
 * and scheme, whatever headers it carries. {@code X-Forwarded-Host} and {@code -Port} are never read (the proxies pass
 * {@code Host} on).
 *
 * <p>Before the valve works, the entries it would read are checked to be IP literals: a trusted proxy forwarding
 * anything else as the client ({@code unknown}, a host name, an address with a port) gets a 400. So the valve never
 * resolves a name (it would, through {@link InetAddress#getByName}, for a name in the header) and the application never
 * sees a client "address" that is not one.
 */
final class TrustedProxiesValve extends RemoteIpValve {

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

    private final List<NetMask> proxies;

    /** @param proxies the parsed {@code imagegate.trusted-proxies}; not empty */
    TrustedProxiesValve(List<String> proxies) {
        if (proxies.isEmpty()) {
            throw new IllegalArgumentException("no trusted proxies: no valve is needed");
        }
        List<String> cidrs = proxies.stream().map(TrustedProxiesValve::cidr).toList();
        this.proxies = cidrs.stream().map(NetMask::new).toList();
        // With a '/' in it, Tomcat reads the list as CIDR ranges (no regular expression, no default private ranges).
        setInternalProxies(String.join(",", cidrs));
        setTrustedProxies(null);
        setRemoteIpHeader("X-Forwarded-For");
        setProxiesHeader("X-Forwarded-By");
        setProtocolHeader("X-Forwarded-Proto");
        setProtocolHeaderHttpsValue("https");
        setHostHeader(null);
        setPortHeader(null);
    }

    /**
     * An entry of the setting as a CIDR range: {@code a.b.c.d} → {@code a.b.c.d/32}, {@code x::y} → {@code x::y/128}.
     *
     * @throws IllegalArgumentException naming the entry when it is not an IP address or range (no name is resolved)
     */
    static String cidr(String entry) {
        String trimmed = entry.strip();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress parsed = literal(address);
        if (parsed == null) {
            throw new IllegalArgumentException(
                    "imagegate.trusted-proxies: '" + entry + "' is not an IP address or CIDR range");
        }
        int max = parsed.getAddress().length * 8;
        int bits = max;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException(
                        "imagegate.trusted-proxies: '" + entry + "' has no prefix length between 0 and " + max);
            }
        }
        return parsed.getHostAddress() + "/" + bits;
    }

    /** The address written in {@code text}, or null when it is not an IPv4 or IPv6 literal. Never does a lookup. */
    static InetAddress literal(String text) {
        try {
            if (IPV4.matcher(text).matches()) {
                return InetAddress.getByName(text);
            }
            if (text.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(text).matches()) {
                // In brackets Java takes it for an IPv6 literal or refuses it; it never looks it up.
                return InetAddress.getByName("[" + text + "]");
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    private boolean isProxy(InetAddress address) {
        return proxies.stream().anyMatch(mask -> mask.matches(address));
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        InetAddress peer = literal(request.getRemoteAddr());
        if (peer != null && isProxy(peer) && !forwardedForIsWellFormed(request)) {
            response.setStatus(400);
            response.setContentType("text/plain;charset=UTF-8");
            response.getOutputStream().write("Malformed X-Forwarded-For.\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        super.invoke(request, response);
    }

    /**
     * Walks {@code X-Forwarded-For} from the right as the valve will: trusted proxies are passed over, the first other
     * entry is the client. Every entry up to and including that one must be an IP literal; those further left were
     * written by the client and are never read.
     */
    private boolean forwardedForIsWellFormed(Request request) {
        List<String> entries = new ArrayList<>();
        Enumeration<String> values = request.getHeaders(getRemoteIpHeader());
        while (values.hasMoreElements()) {
            for (String entry : values.nextElement().split(",", -1)) {
                entries.add(entry.strip());
            }
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            InetAddress address = literal(entries.get(i));
            if (address == null) {
                return false;
            }
            if (!isProxy(address)) {
                return true;
            }
        }
        return true;
    }
}
