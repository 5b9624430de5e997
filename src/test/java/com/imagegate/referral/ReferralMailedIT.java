package com.imagegate.referral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import jakarta.mail.MessagingException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With mail configured, a referred account's bonus comes with its free credits: when the address is confirmed, not at
 * sign-up, once, and not at all for a second account of the same person.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.accounts.signups-per-ip-per-day=0",
            "imagegate.referrals.enabled=true",
            "imagegate.referrals.bonus-credits=50"
        })
class ReferralMailedIT {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> smtp.getSmtp().getPort());
    }

    private static final Pattern LINK = Pattern.compile("http://localhost:8080(/verify-email\\?token=[A-Za-z0-9_-]+)");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theBonusComesWhenTheAddressIsConfirmedOncePerPerson() throws Exception {
        Http referrer = new Http(port, InetAddress.getByName("127.3.0.1"));
        assertThat(referrer.submitForm(
                                "/signup",
                                "/signup",
                                Map.of("email", "mailed-referrer@example.com", "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(200);
        String code = "MailedReferrer01";
        jdbc.update(
                "insert into referral_codes (workspace_id, code, created_at) values (?, ?, ?)",
                workspaceOf("mailed-referrer@example.com"),
                code,
                LocalDateTime.now());

        String referred = signUpThroughLink(code, "mailed.referred@gmail.com", "127.3.0.2");
        assertThat(status(referred)).isEqualTo("SIGNED_UP");
        assertThat(bonus(referred))
                .as("nothing before the address is confirmed")
                .isZero();

        String link = verificationLinkOf("mailed.referred@gmail.com");
        assertThat(new Http(port).get(link).body()).contains("Email confirmed");
        assertThat(bonus(referred)).isEqualTo(50);
        new Http(port).get(link);
        assertThat(bonus(referred)).isEqualTo(50);

        // The same person again (Gmail ignores dots and +tags), through the same link: no free credits, so no bonus.
        String again = signUpThroughLink(code, "mailedreferred+2@gmail.com", "127.3.0.3");
        assertThat(new Http(port)
                        .get(verificationLinkOf("mailedreferred+2@gmail.com"))
                        .body())
                .contains("Email confirmed");
        assertThat(bonus(again)).isZero();
        assertThat(jdbc.queryForObject(
                        "select count(*) from credit_entry where reference like 'referral-bonus:%'", Long.class))
                .isEqualTo(1);
    }

    private String signUpThroughLink(String code, String email, String address) throws Exception {
        Http http = new Http(port, InetAddress.getByName(address));
        assertThat(http.get("/signup?ref=" + code).statusCode()).isEqualTo(200);
        var response = http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
        assertThat(response.body()).contains("Check your email");
        return workspaceOf(email);
    }

    private String workspaceOf(String email) {
        return jdbc.queryForObject(
                "select m.workspace_id from memberships m join users u on u.id = m.user_id where u.email = ?",
                String.class,
                email);
    }

    private String status(String workspaceId) {
        return jdbc.queryForObject(
                "select status from referrals where referred_workspace_id = ?", String.class, workspaceId);
    }

    private long bonus(String workspaceId) {
        return jdbc.queryForObject(
                "select coalesce(sum(amount), 0) from credit_entry where workspace_id = ? and reference like"
                        + " 'referral-bonus:%'",
                Long.class, workspaceId);
    }

    private String verificationLinkOf(String address) {
        return await().atMost(Duration.ofSeconds(15))
                .until(
                        () -> Arrays.stream(smtp.getReceivedMessages())
                                .filter(m -> {
                                    try {
                                        return GreenMailUtil.getAddressList(m.getAllRecipients())
                                                .contains(address);
                                    } catch (MessagingException e) {
                                        return false;
                                    }
                                })
                                .map(m -> {
                                    Matcher matcher = LINK.matcher(GreenMailUtil.getBody(m)
                                            .replace("=\r\n", "")
                                            .replace("=3D", "="));
                                    return matcher.find() ? matcher.group(1) : null;
                                })
                                .filter(link -> link != null)
                                .findFirst()
                                .orElse(null),
                        link -> link != null);
    }
}
