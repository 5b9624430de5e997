package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The per-network daily sign-up limit at its default of 3: parallel sign-ups from one address never make more, the
 * next one gets a 429 page that says why, and an admin's allowance for the address (audited) lets sign-ups through.
 */
@MariaDbIntegrationTest(
        properties = {
            AdminTesting.BOOTSTRAP_EMAIL,
            AdminTesting.BOOTSTRAP_PASSWORD,
            // The shipped default (the shared test configuration turns the limit off for every other test).
            "imagegate.accounts.signups-per-ip-per-day=3"
        })
class SignupLimitIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void theFourthSignUpOfTheDayFromOneAddressIsRefusedUntilAnAdminAllowsTheAddress() {
        List<Http> clients = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Http client = new Http(port);
            clients.add(client);
            tokens.add(client.csrfToken("/signup"));
        }
        var outcomes = Concurrently.run(
                12,
                i -> clients.get(i)
                        .post(
                                "/signup",
                                tokens.get(i),
                                Map.of("email", "crowd" + i + "@example.com", "password", "a-good-password")));
        List<HttpResponse<String>> responses =
                outcomes.stream().map(Concurrently.Outcome::value).toList();
        assertThat(responses).filteredOn(r -> r.statusCode() == 302).hasSize(3);
        assertThat(responses).filteredOn(r -> r.statusCode() == 429).hasSize(9);
        assertThat(count("select count(*) from users where email like 'crowd%'"))
                .isEqualTo(3);

        var fourth = signUp("fourth@example.com");
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(fourth.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(fourth.body())
                .contains("Create your account", "Too many accounts were created from your network today")
                .contains("value=\"fourth@example.com\"")
                .doesNotContain("Exception");
        assertThat(count("select count(*) from users where email = 'fourth@example.com'"))
                .isZero();

        Http admin = AdminTesting.admin(port);
        String csrf = admin.csrfToken("/admin/abuse");
        admin.post("/admin/abuse/allowances", csrf, Map.of("network", "127.0.0.1", "reason", "the office's NAT"));
        assertThat(admin.get("/admin/abuse").body()).contains("127.0.0.1", "the office&#39;s NAT");
        assertThat(signUp("fourth@example.com").statusCode()).isEqualTo(302);
        assertThat(signUp("fifth@example.com").statusCode()).isEqualTo(302);
        assertThat(admin.get("/admin/audit?action=signup_network.allow").body())
                .contains("127.0.0.1", "the office&#39;s NAT");

        admin.post("/admin/abuse/allowances/remove", csrf, Map.of("network", "127.0.0.1", "reason", "party is over"));
        assertThat(admin.get("/admin/abuse").body()).contains("are limited per day again");
        assertThat(signUp("sixth@example.com").statusCode()).isEqualTo(429);
        assertThat(admin.get("/admin/audit?action=signup_network.remove").body())
                .contains("127.0.0.1", "party is over");

        var notAnAddress =
                admin.post("/admin/abuse/allowances", csrf, Map.of("network", "example.com", "reason", "typo"));
        assertThat(notAnAddress.statusCode()).isEqualTo(302);
        assertThat(admin.get("/admin/abuse").body()).contains("Enter an IPv4 address");
    }

    private HttpResponse<String> signUp(String email) {
        return new Http(port).submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
    }

    private int count(String sql) {
        return new JdbcTemplate(dataSource).queryForObject(sql, Integer.class);
    }
}
