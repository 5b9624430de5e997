package com.imagegate.testsupport;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.springframework.test.context.DynamicPropertyRegistry;

/** A real local OIDC provider (mock-oauth2-server) registered as the sign-in provider {@code mockid}. */
public final class MockOidc {

    private MockOidc() {}

    public static MockOAuth2Server start() {
        MockOAuth2Server server = new MockOAuth2Server();
        server.start();
        return server;
    }

    /** The client registration and issuer the application signs in with. */
    public static void register(DynamicPropertyRegistry registry, MockOAuth2Server server) {
        String prefix = "spring.security.oauth2.client.registration.mockid.";
        registry.add(prefix + "client-id", () -> "imagegate");
        registry.add(prefix + "client-secret", () -> "imagegate-secret");
        registry.add(prefix + "client-name", () -> "Mock ID");
        registry.add(prefix + "scope", () -> "openid,email,profile");
        registry.add(
                "spring.security.oauth2.client.provider.mockid.issuer-uri",
                () -> server.issuerUrl("default").toString());
    }
}
