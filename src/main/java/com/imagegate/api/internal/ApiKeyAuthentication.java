package com.imagegate.api.internal;

import com.imagegate.account.WorkspaceSummary;
import com.imagegate.apikey.ApiKeyPrincipal;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An API call authenticated by a key: the principal is the {@link ApiKeyPrincipal}; there are no credentials. It also
 * keeps the workspace as read while authenticating (to check suspension), so a controller needs no second read.
 */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final ApiKeyPrincipal key;
    private final WorkspaceSummary workspace;

    ApiKeyAuthentication(ApiKeyPrincipal key, WorkspaceSummary workspace) {
        super(List.of(new SimpleGrantedAuthority("ROLE_API_KEY")));
        this.key = key;
        this.workspace = workspace;
        setAuthenticated(true);
    }

    /** The key's workspace as it was when this request was authenticated. */
    WorkspaceSummary workspace() {
        return workspace;
    }

    @Override
    public ApiKeyPrincipal getPrincipal() {
        return key;
    }

    @Override
    public Object getCredentials() {
        return null;
    }
}
