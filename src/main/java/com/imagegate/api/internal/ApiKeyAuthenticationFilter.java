package com.imagegate.api.internal;

import com.imagegate.account.Accounts;
import com.imagegate.account.WorkspaceSummary;
import com.imagegate.apikey.ApiKeyPrincipal;
import com.imagegate.apikey.ApiKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer-key authentication of every API call. A missing, malformed, unknown, revoked or expired key ends the request
 * here with 401 {@code invalid_api_key} and {@code WWW-Authenticate: Bearer}; a key of a suspended workspace with 403
 * {@code account_suspended}. Otherwise the request goes on authenticated as the key's {@link ApiKeyPrincipal}.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    static final String MISSING_KEY = "You didn't provide an API key. Send it in an Authorization header using Bearer"
            + " auth (Authorization: Bearer ig_live_…). Create keys at /app/keys.";
    static final String MALFORMED = "The Authorization header must be \"Bearer\" followed by your API key.";
    static final String INCORRECT_KEY =
            "Incorrect API key provided, or the key was revoked or has expired. Manage your keys at /app/keys.";
    static final String SUSPENDED = "This workspace is suspended. Contact support to restore access.";
    private static final int MAX_HEADER_LENGTH = 512;

    private final ApiKeys apiKeys;
    private final Accounts accounts;
    private final ApiErrorWriter errors;
    private final SecurityContextHolderStrategy securityContext = SecurityContextHolder.getContextHolderStrategy();
    private final boolean keyOptional;

    ApiKeyAuthenticationFilter(ApiKeys apiKeys, Accounts accounts, ApiErrorWriter errors) {
        this(apiKeys, accounts, errors, false);
    }

    /**
     * @param keyOptional the public {@code GET /api/v1/pricing}: a request with a valid key goes on authenticated as
     *     its key; any other (no key, or a malformed, unknown, revoked or expired one, or a suspended workspace's) goes
     *     on unauthenticated and gets the public answer, as it always did
     */
    ApiKeyAuthenticationFilter(ApiKeys apiKeys, Accounts accounts, ApiErrorWriter errors, boolean keyOptional) {
        this.apiKeys = apiKeys;
        this.accounts = accounts;
        this.errors = errors;
        this.keyOptional = keyOptional;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (keyOptional) {
            optionalKey(request, response, chain, header);
            return;
        }
        if (header == null || header.isBlank()) {
            unauthorized(response, "Bearer", MISSING_KEY);
            return;
        }
        Optional<String> token = bearerToken(header);
        if (token.isEmpty()) {
            unauthorized(response, "Bearer error=\"invalid_request\"", MALFORMED);
            return;
        }
        Optional<ApiKeyPrincipal> key = apiKeys.authenticate(token.get(), request.getRemoteAddr());
        Optional<WorkspaceSummary> workspace = key.flatMap(k -> accounts.workspace(k.workspaceId()));
        if (key.isEmpty() || workspace.isEmpty()) {
            unauthorized(response, "Bearer error=\"invalid_token\"", INCORRECT_KEY);
            return;
        }
        if (workspace.get().suspended()) {
            errors.write(response, 403, ApiError.invalidRequest(SUSPENDED, null, "account_suspended"));
            return;
        }
        authenticated(request, response, chain, key.get(), workspace.get());
    }

    private void optionalKey(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String header)
            throws ServletException, IOException {
        Optional<ApiKeyPrincipal> key = header == null
                ? Optional.empty()
                : bearerToken(header).flatMap(token -> apiKeys.authenticate(token, request.getRemoteAddr()));
        Optional<WorkspaceSummary> workspace = key.flatMap(k -> accounts.workspace(k.workspaceId()));
        if (key.isEmpty() || workspace.isEmpty() || workspace.get().suspended()) {
            chain.doFilter(request, response);
            return;
        }
        authenticated(request, response, chain, key.get(), workspace.get());
    }

    private void authenticated(
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain,
            ApiKeyPrincipal key,
            WorkspaceSummary workspace)
            throws ServletException, IOException {
        var context = securityContext.createEmptyContext();
        context.setAuthentication(new ApiKeyAuthentication(key, workspace));
        securityContext.setContext(context);
        // Every log line of this request names the workspace and key (ids only, never the secret).
        MDC.put("workspaceId", key.workspaceId());
        MDC.put("apiKeyId", key.keyId());
        try {
            chain.doFilter(request, response);
        } finally {
            securityContext.clearContext();
            MDC.remove("workspaceId");
            MDC.remove("apiKeyId");
        }
    }

    /** The token of {@code Bearer <token>} (scheme case-insensitive, as RFC 7235 says); empty for anything else. */
    static Optional<String> bearerToken(String header) {
        if (header.length() > MAX_HEADER_LENGTH) {
            return Optional.empty();
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
            return Optional.empty();
        }
        String token = value.substring(space + 1).strip();
        return token.isEmpty() || token.contains(" ") ? Optional.empty() : Optional.of(token);
    }

    private void unauthorized(HttpServletResponse response, String challenge, String message) throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
        errors.write(response, 401, ApiError.invalidRequest(message, null, "invalid_api_key"));
    }
}
