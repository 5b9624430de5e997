package com.imagegate.api.internal;

import com.imagegate.BoundedBodyFilter;
import com.imagegate.account.Accounts;
import com.imagegate.api.ApiProperties;
import com.imagegate.apikey.ApiKeys;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * The API's own security chain, before the browser's (order 100): stateless Bearer keys, no session, no CSRF (no
 * cookies to forge), no redirects, no login form; every failure is an OpenAI error body.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfiguration {

    @Bean
    @Order(50)
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeys apiKeys, Accounts accounts, ApiErrorWriter errors)
            throws Exception {
        return http.securityMatcher(ApiPaths.PATTERNS)
                .addFilterBefore(new ApiKeyAuthenticationFilter(apiKeys, accounts, errors), AuthorizationFilter.class)
                // An async dispatch (a long-poll answering) belongs to a request already authorized on its way in;
                // the stateless chain keeps no context for it to re-check.
                .authorizeHttpRequests(auth -> auth.dispatcherTypeMatchers(DispatcherType.ASYNC)
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable())
                .anonymous(anonymous -> anonymous.disable())
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint((request, response, e) -> {
                            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
                            errors.write(response, 401, ApiError.forStatus(401, request.getMethod(), null));
                        })
                        .accessDeniedHandler((request, response, e) ->
                                errors.write(response, 403, ApiError.forStatus(403, request.getMethod(), null))))
                .build();
    }

    /**
     * The one public API path, {@code GET /api/v1/pricing}: no key, no session, cacheable (Spring Security's no-cache
     * headers are left off; the controller sets {@code Cache-Control: public, max-age=300}). Before the key chain, which
     * would refuse a request without a key. A request that sends a valid key is answered with its workspace's prices,
     * uncached; any other key is ignored, as before (the public answer).
     */
    @Bean
    @Order(49)
    SecurityFilterChain publicApi(HttpSecurity http, ApiKeys apiKeys, Accounts accounts, ApiErrorWriter errors)
            throws Exception {
        return http.securityMatcher(PricingController.PATH)
                .addFilterBefore(
                        new ApiKeyAuthenticationFilter(apiKeys, accounts, errors, true), AuthorizationFilter.class)
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .headers(headers -> headers.cacheControl(cache -> cache.disable()))
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable())
                .build();
    }

    /**
     * Right after the request id, before Spring Security and anything else: an API body over
     * {@code imagegate.api.max-body-bytes} is refused with 413 {@code payload_too_large} from its Content-Length, or as
     * soon as a chunked body passes the limit, never read whole. Uploads to {@code /v1/images/edits} are multipart and
     * bounded by the multipart limits instead, after the key and the rate limit are checked.
     */
    @Bean
    FilterRegistrationBean<BoundedBodyFilter> apiBodyLimit(ApiProperties properties, ApiErrorWriter errors) {
        var filter = new BoundedBodyFilter(
                properties.maxBodyBytes(),
                request -> ApiPaths.isApi(request) && !isUpload(request),
                (request, response, maxBytes) -> errors.write(
                        response,
                        413,
                        ApiError.invalidRequest(
                                "The request body is larger than " + maxBytes + " bytes.", null, "payload_too_large")));
        var registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        registration.addUrlPatterns("/api/*", "/v1/*");
        return registration;
    }

    private static boolean isUpload(HttpServletRequest request) {
        String type = request.getContentType();
        return ApiPaths.path(request).equals("/v1/images/edits")
                && type != null
                && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    /** The request id comes first, before Spring Security, so every response carries one. */
    @Bean
    FilterRegistrationBean<RequestIdFilter> requestIdFilter(ApiErrorWriter errors) {
        var registration = new FilterRegistrationBean<>(new RequestIdFilter(errors));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }
}
