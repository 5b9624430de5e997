package com.imagegate.admin.internal;

import com.imagegate.account.Accounts;
import com.imagegate.web.shell.ShellAccess;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Component;

/** Who may use the admin console ({@code /admin/**}), in web's browser security chain. */
@Component
class AdminConsoleAccess implements ShellAccess {

    private final Accounts accounts;

    AdminConsoleAccess(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void authorize(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests) {
        requests.requestMatchers("/admin/**").access(adminNow(accounts));
    }

    /**
     * JobRunr's dashboard (under {@code /admin/jobrunr}) calls its API with {@code fetch} and no CSRF token. Such a
     * call goes without one only when the browser itself says it comes from one of our own pages
     * ({@code Sec-Fetch-Site: same-origin}, a header no page can set); the admin role is required all the same.
     */
    @Override
    public RequestMatcher withoutCsrfToken() {
        return AdminConsoleAccess::sameOriginJobRunrCall;
    }

    private static boolean sameOriginJobRunrCall(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/admin/jobrunr/api/") && "same-origin".equals(request.getHeader("Sec-Fetch-Site"));
    }

    /**
     * The admin console: the session's admin authority and, on every request, the admin role in the database, so a
     * demoted admin's still-open session (on any node) loses the console at once. A visitor is sent to sign in.
     */
    static AuthorizationManager<RequestAuthorizationContext> adminNow(Accounts accounts) {
        return (authentication, context) -> {
            var signedIn = authentication.get();
            boolean admin = signedIn != null
                    && signedIn.isAuthenticated()
                    && signedIn.getAuthorities().stream()
                            .anyMatch(granted -> "ROLE_ADMIN".equals(granted.getAuthority()))
                    && accounts.isActiveAdmin(signedIn.getName());
            return new AuthorizationDecision(admin);
        };
    }
}
