package com.imagegate.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * With this machine named in {@code imagegate.trusted-proxies} (as a local nginx would be), its forwarded headers are
 * believed: the client is the right-most {@code X-Forwarded-For} entry that is not a trusted proxy, so a forwarded
 * public address is refused by the loopback-only endpoints and counted by the sign-up limit. A malformed entry where
 * the client should be is a 400, never a 500.
 */
@MariaDbIntegrationTest(properties = "imagegate.trusted-proxies=127.0.0.1, ::1")
class TrustedProxiesIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void theLoopbackOnlyEndpointsRefuseAForwardedPublicAddress() {
        assertThat(new Http(port).get("/actuator/prometheus").statusCode()).isEqualTo(200);

        for (String forwardedFor : new String[] {"203.0.113.9", "203.0.113.9, 127.0.0.1", "127.0.0.1, 203.0.113.9"}) {
            var response = new Http(port, Map.of("X-Forwarded-For", forwardedFor)).get("/actuator/prometheus");
            assertThat(response.statusCode()).as(forwardedFor).isEqualTo(403);
        }
        assertThat(new Http(port).get("/actuator/health").statusCode()).isEqualTo(200);
    }

    @Test
    void theSignUpAddressIsTheForwardedClientAndEntriesTheClientWroteAreIgnored() {
        var signUp = new Http(port, Map.of("X-Forwarded-For", "198.51.100.7, 203.0.113.9"))
                .submitForm(
                        "/signup", "/signup", Map.of("email", "proxied@example.com", "password", "a-good-password"));

        assertThat(signUp.statusCode()).isEqualTo(302);
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject(
                                "select signup_ip from users where email = 'proxied@example.com'", String.class))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void theForwardedSchemeIsBelieved() {
        var response =
                new Http(port, Map.of("X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https")).get("/app");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("https://localhost/login");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "unknown",
                "203.0.113.9:1234",
                "[2001:db8::1]",
                "999.1.1.1",
                "1.2.3",
                ", ",
                "203.0.113.9, nginx.internal",
                "203.0.113.9,,127.0.0.1"
            })
    void aMalformedClientEntryIsA400NeverA500(String forwardedFor) {
        var http = new Http(port, Map.of("X-Forwarded-For", forwardedFor));

        assertThat(http.get("/actuator/prometheus").statusCode())
                .as(forwardedFor)
                .isEqualTo(400);
        assertThat(http.get("/login").statusCode()).as(forwardedFor).isEqualTo(400);
    }

    @Test
    void garbageLeftOfTheClientIsNeverRead() {
        var http = new Http(port, Map.of("X-Forwarded-For", "not an address, 203.0.113.9"));

        assertThat(http.get("/login").statusCode()).isEqualTo(200);
        assertThat(http.get("/actuator/prometheus").statusCode()).isEqualTo(403);
    }
}
