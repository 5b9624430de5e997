package com.imagegate.web.shell;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * A page module's own access rules in web's browser security chain, so the module guards its paths without web
 * naming them. Web applies every such bean after its public pages and static files and before its last rule (any
 * other request needs a signed-in user).
 */
public interface ShellAccess {

    /** Adds this module's rules, e.g. {@code requests.requestMatchers("/admin/**").access(…)}. */
    void authorize(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests);

    /** Requests of this module that may come without a CSRF token (its rules above still apply); none by default. */
    default RequestMatcher withoutCsrfToken() {
        return request -> false;
    }
}
