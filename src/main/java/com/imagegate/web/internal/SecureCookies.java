package com.imagegate.web.internal;

import com.imagegate.ImagegateProperties;
import org.springframework.boot.session.autoconfigure.DefaultCookieSerializerCustomizer;
import org.springframework.session.web.http.DefaultCookieSerializer;
import org.springframework.stereotype.Component;

/**
 * The session cookie (Spring Session's, the session itself lives in the database): HttpOnly, SameSite=Lax, and Secure
 * when the public base URL is https, so it never travels over plain HTTP.
 */
@Component
class SecureCookies implements DefaultCookieSerializerCustomizer {

    private final ImagegateProperties properties;

    SecureCookies(ImagegateProperties properties) {
        this.properties = properties;
    }

    @Override
    public void customize(DefaultCookieSerializer cookies) {
        cookies.setUseHttpOnlyCookie(true);
        cookies.setSameSite("Lax");
        if ("https".equalsIgnoreCase(properties.baseUrl().getScheme())) {
            cookies.setUseSecureCookie(true);
        }
    }
}
