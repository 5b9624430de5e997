package com.imagegate.account.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.core.user.DefaultOAuth2User;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.web.client.RestClient;

/**
 * The user services of OAuth2/OIDC sign-in: whatever the provider, the signed-in principal's name is our user's email,
 * as with a password, so the rest of the app never cares how someone signed in.
 */
@Configuration(proxyBeanMethods = false)
class OAuthUserServices {

    @Bean
    OAuth2UserService<OidcUserRequest, OidcUser> oidcUserService(OAuthSignIn signIn) {
        OidcUserService delegate = new OidcUserService();
        return request -> {
            OidcUser oidc = delegate.loadUser(request);
            User user = signIn.signIn(
                    request.getClientRegistration().getRegistrationId(),
                    oidc.getSubject(),
                    oidc.getEmail(),
                    Boolean.TRUE.equals(oidc.getEmailVerified()));
            return new SignedInOidcUser(authorities(user), oidc.getIdToken(), oidc.getUserInfo(), user.email());
        };
    }

    /** Plain OAuth2 providers such as GitHub, whose verified addresses come from a separate endpoint. */
    @Bean
    OAuth2UserService<OAuth2UserRequest, OAuth2User> oauth2UserService(OAuthSignIn signIn) {
        DefaultOAuth2UserService delegate = new DefaultOAuth2UserService();
        RestClient rest = RestClient.create();
        return request -> {
            OAuth2User oauth = delegate.loadUser(request);
            String userInfoUri = request.getClientRegistration()
                    .getProviderDetails()
                    .getUserInfoEndpoint()
                    .getUri();
            var primary = verifiedPrimaryEmail(
                    rest, userInfoUri, request.getAccessToken().getTokenValue());
            User user = signIn.signIn(
                    request.getClientRegistration().getRegistrationId(),
                    String.valueOf(oauth.getAttributes().get("id")),
                    primary,
                    primary != null);
            String nameKey = oauth.getAttributes().containsKey("id")
                    ? "id"
                    : oauth.getAttributes().keySet().iterator().next();
            return new SignedInOAuth2User(authorities(user), oauth.getAttributes(), nameKey, user.email());
        };
    }

    /** GitHub's {@code /user/emails}: the primary address if GitHub verified it. */
    private static String verifiedPrimaryEmail(RestClient rest, String userInfoUri, String accessToken) {
        List<Map<String, Object>> emails = rest.get()
                .uri(userInfoUri + "/emails")
                .header("Authorization", "Bearer " + accessToken)
                .header("Accept", "application/vnd.github+json")
                .retrieve()
                .body(new ParameterizedTypeReference<>() {});
        return emails == null
                ? null
                : emails.stream()
                        .filter(e -> Boolean.TRUE.equals(e.get("primary")) && Boolean.TRUE.equals(e.get("verified")))
                        .map(e -> String.valueOf(e.get("email")))
                        .findFirst()
                        .orElse(null);
    }

    private static List<GrantedAuthority> authorities(User user) {
        return List.of(new SimpleGrantedAuthority(user.role().authority()));
    }

    /**
     * A provider's user known by our email (the principal name everywhere else). Serializable as it is: sessions live
     * in the database.
     */
    static final class SignedInOidcUser extends DefaultOidcUser {
        private static final long serialVersionUID = 1L;
        private final String email;

        SignedInOidcUser(
                Collection<? extends GrantedAuthority> authorities,
                OidcIdToken idToken,
                OidcUserInfo userInfo,
                String email) {
            super(authorities, idToken, userInfo);
            this.email = email;
        }

        @Override
        public String getName() {
            return email;
        }
    }

    /** As {@link SignedInOidcUser}, for plain OAuth2 providers. */
    static final class SignedInOAuth2User extends DefaultOAuth2User {
        private static final long serialVersionUID = 1L;
        private final String email;

        SignedInOAuth2User(
                Collection<? extends GrantedAuthority> authorities,
                Map<String, Object> attributes,
                String nameKey,
                String email) {
            super(authorities, attributes, nameKey);
            this.email = email;
        }

        @Override
        public String getName() {
            return email;
        }
    }
}
