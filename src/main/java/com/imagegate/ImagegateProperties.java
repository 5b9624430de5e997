package com.imagegate;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings shared by every module.
 *
 * @param baseUrl the public URL of this deployment, used in links, signed file URLs and the docs' snippets
 */
@ConfigurationProperties("imagegate")
public record ImagegateProperties(
        @DefaultValue("http://localhost:8080") URI baseUrl) {

    /** The base URL without a trailing slash, ready to have a path appended. */
    public String baseUrlString() {
        String url = baseUrl.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
