package com.imagegate.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.imagegate.credits.Credits;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With SMTP configured: verification is required, and reset links arrive by real mail (a local SMTP server). */
@MariaDbIntegrationTest
class MailedLinksIT {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> smtp.getSmtp().getPort());
    }

    private static final Pattern LINK = Pattern.compile("http://localhost:8080(/[a-z-]+\\?token=[A-Za-z0-9_-]+)");

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void newAccountMustConfirmItsEmailBeforeSigningIn() {
        var signUp = new Http(port)
                .submitForm(
                        "/signup", "/signup", Map.of("email", "verify-me@example.com", "password", "a-good-password"));
        assertThat(signUp.statusCode()).isEqualTo(200);
        assertThat(signUp.body()).contains("Check your email");

        var early = new Http(port)
                .submitForm(
                        "/login", "/login", Map.of("username", "verify-me@example.com", "password", "a-good-password"));
        var nobody = new Http(port)
                .submitForm(
                        "/login",
                        "/login",
                        Map.of("username", "nobody-here@example.com", "password", "a-good-password"));
        // The same answer as for an account that does not exist: the form tells nobody which addresses have one.
        assertThat(early.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
        assertThat(early.headers().firstValue("Location"))
                .isEqualTo(nobody.headers().firstValue("Location"));
        assertThat(new Http(port).get("/login?error").body()).contains("not confirmed");

        String link = linkMailedTo("verify-me@example.com", "Confirm your email");
        assertThat(new Http(port).get(link).body()).contains("Email confirmed");
        assertThat(new Http(port).get(link).statusCode())
                .as("the link works once")
                .isEqualTo(400);

        var http = new Http(port);
        var signIn = http.submitForm(
                "/login", "/login", Map.of("username", "verify-me@example.com", "password", "a-good-password"));
        assertThat(signIn.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/app"));
    }

    @Autowired
    Credits credits;

    @Test
    void freeCreditsComeWhenTheAddressIsConfirmedAndOncePerPerson() {
        var signUp = new Http(port)
                .submitForm("/signup", "/signup", Map.of("email", "Earner+1@x.test", "password", "a-good-password"));
        assertThat(signUp.body()).contains("free credits land when you confirm");
        assertThat(spendableOf("earner+1@x.test"))
                .as("nothing before the link is clicked")
                .isZero();
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject(
                                "select count(*) from free_credit_claims where mailbox = 'earner@x.test'",
                                Integer.class))
                .as("no claim either: an unconfirmed address holds nothing back")
                .isZero();

        // A second, unconfirmed account of the same person does not block the first one's grant.
        new Http(port)
                .submitForm("/signup", "/signup", Map.of("email", "earner+2@x.test", "password", "a-good-password"));
        assertThat(new Http(port)
                        .get(linkMailedTo("earner+1@x.test", "Confirm your email"))
                        .body())
                .contains("Email confirmed");
        assertThat(spendableOf("earner+1@x.test")).isEqualTo(100);

        assertThat(new Http(port)
                        .get(linkMailedTo("earner+2@x.test", "Confirm your email"))
                        .body())
                .contains("Email confirmed");
        assertThat(spendableOf("earner+2@x.test"))
                .as("the same person, confirmed second")
                .isZero();
        var http = new Http(port);
        http.submitForm("/login", "/login", Map.of("username", "earner+2@x.test", "password", "a-good-password"));
        assertThat(http.get("/app").body()).contains("id=\"no-free-credits\"");

        var third = new Http(port)
                .submitForm("/signup", "/signup", Map.of("email", "EARNER@x.test", "password", "a-good-password"));
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(third.body()).contains("starts without free credits");
    }

    private long spendableOf(String email) {
        String workspace = new JdbcTemplate(dataSource)
                .queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by"
                                + " where u.email = ? and w.personal = true",
                        String.class,
                        email);
        return credits.balance(workspace).spendable();
    }

    @Test
    void forgottenPasswordIsResetOnceThroughTheMailedLink() {
        var jdbc = new JdbcTemplate(dataSource);
        new Http(port)
                .submitForm(
                        "/signup", "/signup", Map.of("email", "forgetful@example.com", "password", "old-password-1"));
        new Http(port).get(linkMailedTo("forgetful@example.com", "Confirm your email"));

        var asked = new Http(port)
                .submitForm("/forgot-password", "/forgot-password", Map.of("email", "Forgetful@Example.com"));
        assertThat(asked.body()).contains("If an account uses that address");
        String link = linkMailedTo("forgetful@example.com", "Reset your Imagegate password");

        var http = new Http(port);
        var tooShort = http.submitForm(link, "/reset-password", Map.of("token", token(link), "password", "short"));
        assertThat(tooShort.statusCode()).isEqualTo(422);
        assertThat(tooShort.body()).contains("at least 8");
        var reset =
                http.submitForm(link, "/reset-password", Map.of("token", token(link), "password", "new-password-2"));
        assertThat(reset.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?reset"));

        var again = new Http(port)
                .submitForm(link, "/reset-password", Map.of("token", token(link), "password", "third-password-3"));
        assertThat(again.statusCode()).isEqualTo(422);
        assertThat(again.body()).contains("invalid, already used or expired");

        var oldPassword = new Http(port)
                .submitForm(
                        "/login", "/login", Map.of("username", "forgetful@example.com", "password", "old-password-1"));
        assertThat(oldPassword.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
        var newPassword = new Http(port)
                .submitForm(
                        "/login", "/login", Map.of("username", "forgetful@example.com", "password", "new-password-2"));
        assertThat(newPassword.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/app"));
        assertThat(jdbc.queryForObject(
                        "select count(*) from account_tokens t join users u on u.id = t.user_id where u.email = ? and t.purpose = 'PASSWORD_RESET' and t.used_at is null",
                        Integer.class,
                        "forgetful@example.com"))
                .isZero();
    }

    @Test
    void expiredResetLinkIsRefused() {
        new Http(port)
                .submitForm("/signup", "/signup", Map.of("email", "slow@example.com", "password", "old-password-1"));
        new Http(port).submitForm("/forgot-password", "/forgot-password", Map.of("email", "slow@example.com"));
        String link = linkMailedTo("slow@example.com", "Reset your Imagegate password");
        new JdbcTemplate(dataSource)
                .update(
                        "update account_tokens set expires_at = ? where purpose = 'PASSWORD_RESET' and user_id = (select id from users where email = ?)",
                        Timestamp.from(Instant.now().minus(Duration.ofMinutes(1))),
                        "slow@example.com");

        var reset = new Http(port)
                .submitForm(link, "/reset-password", Map.of("token", token(link), "password", "new-password-2"));

        assertThat(reset.statusCode()).isEqualTo(422);
        assertThat(reset.body()).contains("expired");
    }

    @Test
    void unknownEmailGetsTheSameAnswerAndNoMail() {
        int before = smtp.getReceivedMessages().length;

        var asked = new Http(port)
                .submitForm("/forgot-password", "/forgot-password", Map.of("email", "nobody@example.com"));

        assertThat(asked.body()).contains("If an account uses that address");
        assertThat(Arrays.stream(smtp.getReceivedMessages()).skip(before))
                .noneMatch(m -> GreenMailUtil.getAddressList(recipients(m)).contains("nobody@example.com"));
    }

    @Test
    void forgedOrMangledTokensAreRefused() {
        for (String token : new String[] {"", "x", "'; drop table users; --", "a".repeat(5000)}) {
            var reset = new Http(port)
                    .submitForm(
                            "/reset-password?token=x",
                            "/reset-password",
                            Map.of("token", token, "password", "new-password-2"));
            assertThat(reset.statusCode()).isEqualTo(422);
        }
    }

    private String linkMailedTo(String address, String subject) {
        return await().atMost(Duration.ofSeconds(15))
                .until(
                        () -> Arrays.stream(smtp.getReceivedMessages())
                                .filter(m -> GreenMailUtil.getAddressList(recipients(m))
                                        .contains(address))
                                .filter(m -> subject(m).contains(subject))
                                .reduce((first, second) -> second)
                                .map(m -> {
                                    Matcher matcher = LINK.matcher(GreenMailUtil.getBody(m)
                                            .replace("=\r\n", "")
                                            .replace("=3D", "="));
                                    return matcher.find() ? matcher.group(1) : null;
                                })
                                .orElse(null),
                        link -> link != null);
    }

    private static String token(String link) {
        return link.substring(link.indexOf("token=") + 6);
    }

    private static Address[] recipients(MimeMessage message) {
        try {
            return message.getAllRecipients();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
