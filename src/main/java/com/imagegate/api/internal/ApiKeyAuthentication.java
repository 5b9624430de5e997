package com.imagegate.api.internal;

import com.imagegate.apikey.ApiKeyPrincipal;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An API call authenticated by a key: the principal is the {@link ApiKeyPrincipal}; there are no credentials. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final ApiKeyPrincipal key;

    ApiKeyAuthentication(ApiKeyPrincipal key) {
        super(List.of(new SimpleGrantedAuthority("ROLE_API_KEY")));
        this.key = key;
        setAuthenticated(true);
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
