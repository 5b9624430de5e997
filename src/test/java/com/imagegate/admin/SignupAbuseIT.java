package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.net.http.HttpResponse;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Sign-up abuse controls: the configured per-address limit and disposable-domain list apply until an admin saves
 * other rules at /admin/abuse; sign-up addresses are recorded and the workspaces made from one address are listed.
 */
@MariaDbIntegrationTest(
        properties = {
            AdminTesting.BOOTSTRAP_EMAIL,
            AdminTesting.BOOTSTRAP_PASSWORD,
            "imagegate.accounts.signups-per-ip-per-day=2",
            "imagegate.accounts.disposable-email-domains=throwaway.example"
        })
class SignupAbuseIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void limitsPerAddressAndDisposableDomainsAreEnforcedAndAdminsCanChangeThem() {
        var disposable = signUp("someone@mail.throwaway.example");
        assertThat(disposable.statusCode()).isEqualTo(422);
        assertThat(disposable.body()).contains("disposable email");

        assertThat(signUp("first@example.com").statusCode()).isEqualTo(302);
        assertThat(signUp("second@example.com").statusCode()).isEqualTo(302);
        var third = signUp("third@example.com");
        assertThat(third.statusCode()).as("too many sign-ups: 429").isEqualTo(429);
        assertThat(third.body()).contains("Too many accounts");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        assertThat(jdbc.queryForObject("select count(*) from users where email = 'third@example.com'", Long.class))
                .isZero();
        assertThat(jdbc.queryForObject("select signup_ip from users where email = 'first@example.com'", String.class))
                .isEqualTo("127.0.0.1");

        Http admin = AdminTesting.admin(port);
        String abuse = admin.get("/admin/abuse").body();
        assertThat(abuse).contains("127.0.0.1", "throwaway.example");
        assertThat(admin.get("/admin/abuse?ip=127.0.0.1").body()).contains("first@example.com", "second@example.com");

        String csrf = admin.csrfToken("/admin/abuse");
        var invalid = admin.post(
                "/admin/abuse/policy",
                csrf,
                Map.of("maxSignupsPerIpPerDay", "5", "deniedEmailDomains", "not a domain!", "reason", "x"));
        assertThat(invalid.statusCode()).isEqualTo(302);
        assertThat(admin.get("/admin/abuse").body()).contains("is not a domain name");

        admin.post(
                "/admin/abuse/policy",
                csrf,
                Map.of(
                        "maxSignupsPerIpPerDay", "0",
                        "deniedEmailDomains", "spam.example\nthrowaway.example",
                        "reason", "open the gates for the launch"));
        assertThat(signUp("third@example.com").statusCode()).isEqualTo(302);
        assertThat(signUp("x@spam.example").body()).contains("disposable email");
        assertThat(admin.get("/admin/audit?action=signup_policy.update").body())
                .contains("open the gates for the launch", "spam.example");
    }

    private HttpResponse<String> signUp(String email) {
        return new Http(port).submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
    }
}
