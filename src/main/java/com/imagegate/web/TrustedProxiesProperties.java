package com.imagegate.web;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reverse proxies whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} headers are believed.
 *
 * @param trustedProxies addresses or CIDR ranges ({@code 10.0.5.7}, {@code 172.30.0.0/24}, {@code fd00::/8}) of the
 *     proxies in front of this application. Only a request whose connection comes from one of them has its forwarded
 *     headers honoured; the client address is then the right-most {@code X-Forwarded-For} entry that is not one of
 *     them. Empty (the default): no forwarded header is honoured, the connection's own address is the client.
 */
@ConfigurationProperties("imagegate")
public record TrustedProxiesProperties(@DefaultValue List<String> trustedProxies) {

    public TrustedProxiesProperties {
        trustedProxies = trustedProxies.stream()
                .map(String::strip)
                .filter(entry -> !entry.isEmpty())
                .toList();
    }
}
