package com.imagegate.webhook.internal;

import com.imagegate.fetch.AddressPolicy;
import com.imagegate.fetch.FetchProperties;
import com.imagegate.webhook.WebhookEndpointException;
import com.imagegate.webhook.WebhookProperties;
import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * The check of an endpoint URL when it is saved, the same rules as a task's {@code callback_url}: an absolute https
 * URL (http only with the test-only {@code imagegate.webhooks.allow-http}) of at most {@value #MAX_LENGTH} characters,
 * without user info, whose host is not, and does not resolve to, a loopback, private, link-local, metadata or
 * multicast address (unless {@code imagegate.fetch.allow-private-hosts}). Delivery checks the address again when it
 * connects ({@code SafeFetcher}): DNS may change in between.
 */
@Component
class EndpointUrls {

    static final int MAX_LENGTH = 2048;

    private final boolean allowHttp;
    private final boolean allowPrivateHosts;

    EndpointUrls(WebhookProperties properties, FetchProperties fetch) {
        this.allowHttp = properties.allowHttp();
        this.allowPrivateHosts = fetch.allowPrivateHosts();
    }

    /** The URL as it will be called; a {@link WebhookEndpointException} on field {@code url} otherwise. */
    String check(String typed) {
        String value = typed == null ? "" : typed.strip();
        if (value.isEmpty()) {
            throw refused("Enter the URL that should receive the events.");
        }
        if (value.length() > MAX_LENGTH) {
            throw refused("The URL is too long: at most " + MAX_LENGTH + " characters.");
        }
        URI url;
        try {
            url = new URI(value);
        } catch (URISyntaxException e) {
            throw refused("This is not a valid URL.");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && allowHttp)) {
            throw refused("The URL must start with https://.");
        }
        if (url.getHost() == null || url.getRawUserInfo() != null || url.getRawFragment() != null) {
            throw refused("The URL must name a host, without a user name, password or #fragment.");
        }
        if (!allowPrivateHosts) {
            String host = IDN.toASCII(url.getHost()).toLowerCase(Locale.ROOT);
            if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".internal")) {
                throw privateHost();
            }
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(
                        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
            } catch (UnknownHostException | IllegalArgumentException e) {
                throw refused("The URL's host could not be found.");
            }
            if (!Arrays.stream(addresses).allMatch(AddressPolicy::isPublic)) {
                throw privateHost();
            }
        }
        return value;
    }

    private static WebhookEndpointException privateHost() {
        return refused("The URL must not point at a private, loopback or link-local address.");
    }

    private static WebhookEndpointException refused(String message) {
        return new WebhookEndpointException("url", message);
    }
}
