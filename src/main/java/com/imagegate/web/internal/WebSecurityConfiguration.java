package com.imagegate.web.internal;

import com.imagegate.account.Accounts;
import com.imagegate.account.SignInThrottle;
import com.imagegate.billing.BillingProperties;
import com.imagegate.generation.StorageProperties;
import com.imagegate.web.OperationsProperties;
import com.imagegate.web.shell.ShellAccess;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.security.web.util.matcher.RequestHeaderRequestMatcher;

/**
 * The browser's security chain and the operations endpoints' rules. API chains (Bearer keys) are declared by the
 * modules that own them, at a higher precedence. Page modules add the rules of their own paths to the browser chain
 * as {@link ShellAccess} beans (the admin console's {@code /admin/**}).
 */
@Configuration(proxyBeanMethods = false)
class WebSecurityConfiguration {

    /**
     * Health is public; metrics and the credits integrity report only from this machine (a scraper on the host or a
     * sidecar); the rest is closed.
     */
    @Bean
    @Order(10)
    SecurityFilterChain operationsSecurity(HttpSecurity http, OperationsProperties operations) throws Exception {
        return http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(auth -> auth.requestMatchers(EndpointRequest.to("health", "info"))
                        .permitAll()
                        .requestMatchers(EndpointRequest.to("prometheus", "credits"))
                        .access(fromMonitoring(operations.monitoringAddresses()))
                        .anyRequest()
                        .denyAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.disable())
                .requestCache(cache -> cache.disable())
                .build();
    }

    @Bean
    @Order(100)
    SecurityFilterChain webSecurity(
            HttpSecurity http,
            SignInThrottle signInThrottle,
            StorageProperties storage,
            ObjectProvider<ClientRegistrationRepository> oauthProviders,
            ObjectProvider<OAuth2UserService<OidcUserRequest, OidcUser>> oidcUsers,
            ObjectProvider<OAuth2UserService<OAuth2UserRequest, OAuth2User>> oauthUsers,
            BillingProperties billing,
            ObjectProvider<ShellAccess> shellAccesses)
            throws Exception {
        List<ShellAccess> shellAccess = shellAccesses.orderedStream().toList();
        // Buy buttons are forms whose answer redirects to Stripe's hosted pages: form-action must allow them.
        String stripePages = String.join(" ", billing.stripe().hostedPageOrigins());
        if (oauthProviders.getIfAvailable() != null) {
            // Only when providers are configured (spring.security.oauth2.client.registration.*).
            http.oauth2Login(oauth -> oauth.loginPage("/login")
                    .defaultSuccessUrl("/app", false)
                    .failureHandler(WebSecurityConfiguration::providerSignInFailed)
                    .userInfoEndpoint(endpoint ->
                            endpoint.oidcUserService(oidcUsers.getObject()).userService(oauthUsers.getObject())));
        }
        return http.addFilterBefore(
                        new SignInThrottleFilter(signInThrottle), UsernamePasswordAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> {
                    auth.requestMatchers(
                                    "/",
                                    "/pricing",
                                    "/docs",
                                    "/login",
                                    "/signup",
                                    "/forgot-password",
                                    "/reset-password",
                                    "/verify-email",
                                    "/error",
                                    "/favicon.ico",
                                    "/robots.txt")
                            .permitAll()
                            .requestMatchers("/css/**", "/js/**", "/img/**", "/webjars/**", "/files/**")
                            .permitAll();
                    // The page modules' own paths (the admin console's /admin/**), by their rules.
                    shellAccess.forEach(access -> access.authorize(auth));
                    auth.anyRequest().authenticated();
                })
                .csrf(csrf -> csrf.ignoringRequestMatchers(request -> shellAccess.stream()
                        .anyMatch(access -> access.withoutCsrfToken().matches(request))))
                .formLogin(form -> form.loginPage("/login")
                        .defaultSuccessUrl("/app", false)
                        .failureHandler(signInFailures()))
                .logout(logout -> logout.logoutSuccessUrl("/login?logout"))
                .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                        WebSecurityConfiguration::htmxSignInRedirect,
                        new RequestHeaderRequestMatcher("HX-Request", "true")))
                .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"), AnyRequestMatcher.INSTANCE))
                .headers(headers -> headers.contentSecurityPolicy(csp ->
                        csp.policyDirectives("default-src 'self'; img-src 'self' data: blob:" + imageOrigins(storage)
                                + "; style-src 'self'; script-src 'self';"
                                + " frame-ancestors 'none'; form-action 'self' " + stripePages + "; base-uri 'self'")))
                .build();
    }

    /**
     * Every failure gets the same answer — unknown account, wrong password, unconfirmed email — so the sign-in form
     * cannot tell whether an account exists (the page's message mentions confirming the email).
     */
    private static AuthenticationFailureHandler signInFailures() {
        var handler = new SimpleUrlAuthenticationFailureHandler();
        handler.setDefaultFailureUrl("/login?error");
        return handler;
    }

    /**
     * A refused provider sign-in: an existing account with this email that never verified it gets its own page (what to
     * do), every other refusal the general one.
     */
    private static void providerSignInFailed(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        boolean unverifiedAccount = failure instanceof OAuth2AuthenticationException oauth
                && Accounts.UNVERIFIED_ACCOUNT_ERROR.equals(oauth.getError().getErrorCode());
        response.sendRedirect(request.getContextPath()
                + (unverifiedAccount ? "/login?oauth-unverified-account" : "/login?oauth-error"));
    }

    /** The machine itself, and the monitoring addresses an operator listed. */
    private static AuthorizationManager<RequestAuthorizationContext> fromMonitoring(List<String> extra) {
        List<IpAddressMatcher> allowed =
                new ArrayList<>(List.of(new IpAddressMatcher("127.0.0.0/8"), new IpAddressMatcher("::1")));
        extra.stream().map(String::strip).map(IpAddressMatcher::new).forEach(allowed::add);
        return (authentication, context) -> {
            var request = context.getRequest();
            return new AuthorizationDecision(allowed.stream().anyMatch(m -> m.matches(request)));
        };
    }

    /**
     * An htmx request without a session (it expired) cannot follow a redirect to the sign-in page inside a fragment:
     * it is told to load that page as a whole with {@code HX-Redirect}.
     */
    private static void htmxSignInRedirect(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException denied) {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("HX-Redirect", request.getContextPath() + "/login");
    }

    /**
     * Where pages load generated images from besides this server: with S3 storage the links are presigned URLs of the
     * bucket's endpoint (its virtual-hosted bucket names included).
     */
    static String imageOrigins(StorageProperties storage) {
        if (storage.type() != StorageProperties.Type.S3) {
            return "";
        }
        URI endpoint = storage.s3().endpoint();
        if (endpoint == null) {
            return " https://*.amazonaws.com";
        }
        String port = endpoint.getPort() == -1 ? "" : ":" + endpoint.getPort();
        String origin = endpoint.getScheme() + "://" + endpoint.getHost() + port;
        return storage.s3().pathStyle()
                ? " " + origin
                : " " + origin + " " + endpoint.getScheme() + "://*." + endpoint.getHost() + port;
    }
}
