package com.imagegate;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings shared by every module.
 *
 * @param baseUrl the public URL of this deployment, used in links, signed file URLs and the docs' snippets
 * @param authCacheTtl how long a node reuses what it read about an API key and its workspace on the API's hot path. A
 *     key revoked or a workspace suspended is refused at once on the node that made the change, and on the other
 *     nodes within this time; {@code 0} reads both on every call.
 */
@ConfigurationProperties("imagegate")
public record ImagegateProperties(
        @DefaultValue("http://localhost:8080") URI baseUrl,
        @DefaultValue("2s") Duration authCacheTtl) {

    /** The base URL without a trailing slash, ready to have a path appended. */
    public String baseUrlString() {
        String url = baseUrl.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
