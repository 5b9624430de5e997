package com.imagegate.referral;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.net.InetAddress;
import java.time.LocalDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** Referrals are off by default: no link on the billing page, and {@code ?ref=} (a real code even) is ignored. */
@MariaDbIntegrationTest
class ReferralDisabledIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void withReferralsOffThereIsNoLinkAndRefIsIgnored() throws Exception {
        Http referrer = new Http(port, InetAddress.getByName("127.2.0.1"));
        assertThat(referrer.submitForm(
                                "/signup",
                                "/signup",
                                Map.of("email", "off-referrer@example.com", "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        String billing = referrer.get("/app/billing").body();
        assertThat(billing).doesNotContain("Refer a friend", "signup?ref=");
        String workspace = jdbc.queryForObject(
                "select m.workspace_id from memberships m join users u on u.id = m.user_id where u.email = ?",
                String.class,
                "off-referrer@example.com");
        // A code that exists (made while the feature was on, say) is ignored all the same.
        String code = "AbCdEfGhIjKlMnOp";
        jdbc.update(
                "insert into referral_codes (workspace_id, code, created_at) values (?, ?, ?)",
                workspace,
                code,
                LocalDateTime.now());

        Http visitor = new Http(port, InetAddress.getByName("127.2.0.2"));
        String form = visitor.get("/signup?ref=" + code).body();
        assertThat(visitor.cookie(Referrals.COOKIE)).isEmpty();
        assertThat(form).doesNotContain("name=\"ref\"", "You were");
        assertThat(visitor.submitForm(
                                "/signup",
                                "/signup",
                                Map.of("email", "off-referred@example.com", "password", "a-good-password", "ref", code))
                        .statusCode())
                .isEqualTo(302);

        assertThat(jdbc.queryForObject("select count(*) from referrals", Long.class))
                .isZero();
        assertThat(jdbc.queryForObject(
                        "select count(*) from credit_entry where reference like 'referral%'", Long.class))
                .isZero();
    }
}
