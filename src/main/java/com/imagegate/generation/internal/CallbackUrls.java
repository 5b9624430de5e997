package com.imagegate.generation.internal;

import com.imagegate.fetch.AddressPolicy;
import com.imagegate.fetch.FetchProperties;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.RequestField;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The {@code callback_url} check when a task is accepted: request validation, so it lives here with the other checks
 * of a task's fields, and the webhook module (which sends the deliveries) is not needed to accept a task. It reads the
 * webhook module's test-only {@code imagegate.webhooks.allow-http} by its property name, not through its properties
 * bean, so that generation does not depend on the webhook module (which depends on generation).
 */
@Component
class CallbackUrls {

    private final boolean allowHttp;
    private final FetchProperties fetch;

    CallbackUrls(@Value("${imagegate.webhooks.allow-http:false}") boolean allowHttp, FetchProperties fetch) {
        this.allowHttp = allowHttp;
        this.fetch = fetch;
    }

    /**
     * Refuses a callback URL we would never call: not https (unless the test-only {@code allow-http} is on), or a host
     * that is, or resolves to, a loopback, private, link-local, metadata or multicast address. Delivery checks the
     * address again when it connects (DNS may change in between).
     */
    void check(URI url) {
        if (url == null) {
            return;
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && allowHttp)) {
            throw refused(" must be an https URL.");
        }
        if (fetch.allowPrivateHosts()) {
            return;
        }
        String host = url.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".internal")) {
            throw refused(" must not point at a private, loopback or link-local address.");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(
                    host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw refused("'s host could not be found.");
        }
        if (!Arrays.stream(addresses).allMatch(AddressPolicy::isPublic)) {
            throw refused(" must not point at a private, loopback or link-local address.");
        }
    }

    /** A refusal naming {@link RequestField#CALLBACK_URL}; each edge spells the field in the message its own way. */
    private static InvalidRequestException refused(String rest) {
        return new InvalidRequestException(
                RequestField.CALLBACK_URL,
                -1,
                "invalid_value",
                names -> names.name(RequestField.CALLBACK_URL, -1) + rest);
    }
}
