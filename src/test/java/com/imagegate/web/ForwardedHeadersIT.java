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
 * With {@code imagegate.trusted-proxies} unset (the default) no forwarded header is believed, even from 127.0.0.1: the
 * socket address is the client for the loopback-only endpoints and the sign-up limit, and the scheme stays the
 * connection's. ({@link TrustedProxiesIT} names a proxy.)
 */
@MariaDbIntegrationTest
class ForwardedHeadersIT {

    static final Map<String, String> SPOOFED = Map.of("X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https");

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void aForwardedPublicAddressDoesNotCloseTheLoopbackOnlyEndpoints() {
        var response = new Http(port, SPOOFED).get("/actuator/prometheus");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void theSignUpAddressIsTheSocketAddressNotTheForwardedOne() {
        var signUp = new Http(port, Map.of("X-Forwarded-For", "203.0.113.9"))
                .submitForm(
                        "/signup", "/signup", Map.of("email", "spoofer@example.com", "password", "a-good-password"));

        assertThat(signUp.statusCode()).isEqualTo(302);
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject(
                                "select signup_ip from users where email = 'spoofer@example.com'", String.class))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void aForwardedSchemeIsNotBelieved() {
        var response = new Http(port, SPOOFED).get("/app");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("http://localhost:" + port + "/login");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown", "203.0.113.9:1234", "[2001:db8::1]", "999.1.1.1", ", ", "nginx.internal"})
    void aMalformedForwardedForIsIgnored(String forwardedFor) {
        var http = new Http(port, Map.of("X-Forwarded-For", forwardedFor));

        assertThat(http.get("/actuator/prometheus").statusCode()).isEqualTo(200);
        assertThat(http.get("/login").statusCode()).isEqualTo(200);
    }
}
