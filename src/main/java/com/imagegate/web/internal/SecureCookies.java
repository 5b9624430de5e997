package com.imagegate.web.internal;

import com.imagegate.ImagegateProperties;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.stereotype.Component;

/** When the public base URL is https, the session cookie is marked Secure so it never travels over plain HTTP. */
@Component
class SecureCookies implements ServletContextInitializer {

    private final ImagegateProperties properties;

    SecureCookies(ImagegateProperties properties) {
        this.properties = properties;
    }

    @Override
    public void onStartup(jakarta.servlet.ServletContext servletContext) {
        if ("https".equalsIgnoreCase(properties.baseUrl().getScheme())) {
            servletContext.getSessionCookieConfig().setSecure(true);
        }
    }
}
