package com.imagegate.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Without SMTP (the embedded default): accounts are active at once and mail is kept in the outbox. */
@ExtendWith(OutputCaptureExtension.class)
@MariaDbIntegrationTest
class AccountSettingsIT {

    @LocalServerPort
    int port;

    @Autowired
    MailOutbox outbox;

    Http signedUp(String email, String password) {
        var http = new Http(port);
        var response = http.submitForm("/signup", "/signup", Map.of("email", email, "password", password));
        assertThat(response.statusCode()).isEqualTo(302);
        return http;
    }

    @Test
    void changingThePasswordNeedsTheCurrentOne() {
        var http = signedUp("changer@example.com", "first-password");

        var wrong = http.submitForm(
                "/app/settings",
                "/app/settings/password",
                Map.of("currentPassword", "nope-nope", "newPassword", "second-password"));
        assertThat(wrong.statusCode()).isEqualTo(422);
        assertThat(wrong.body()).contains("current password is not right");

        var right = http.submitForm(
                "/app/settings",
                "/app/settings/password",
                Map.of("currentPassword", "first-password", "newPassword", "second-password"));
        assertThat(right.statusCode()).isEqualTo(302);

        var signIn = new Http(port)
                .submitForm(
                        "/login", "/login", Map.of("username", "changer@example.com", "password", "second-password"));
        assertThat(signIn.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/app"));
    }

    @Test
    void deletedAccountCannotSignInAndItsEmailCanSignUpAfresh() {
        var http = signedUp("leaver@example.com", "first-password");

        var unconfirmed =
                http.submitForm("/app/settings", "/app/settings/delete", Map.of("confirmEmail", "other@example.com"));
        assertThat(unconfirmed.statusCode()).isEqualTo(422);

        var deleted =
                http.submitForm("/app/settings", "/app/settings/delete", Map.of("confirmEmail", "Leaver@example.com"));
        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(http.get("/app").statusCode()).as("the session ended").isEqualTo(302);

        var signIn = new Http(port)
                .submitForm("/login", "/login", Map.of("username", "leaver@example.com", "password", "first-password"));
        assertThat(signIn.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
        signedUp("leaver@example.com", "another-password");
    }

    @Test
    void withoutSmtpTheResetLinkIsKeptInTheOutboxNotTheLogAndWorks(CapturedOutput output) {
        signedUp("logged@example.com", "first-password");

        new Http(port).submitForm("/forgot-password", "/forgot-password", Map.of("email", "logged@example.com"));

        var kept = outbox.recent(50).stream()
                .filter(mail -> mail.recipient().equals("logged@example.com"))
                .findFirst()
                .orElseThrow();
        var matcher =
                Pattern.compile("/reset-password\\?token=([A-Za-z0-9_-]+)").matcher(kept.body());
        assertThat(matcher.find()).as("reset link in the outbox").isTrue();
        assertThat(output.getAll()).as("the log").doesNotContain(matcher.group(1));
        var reset = new Http(port)
                .submitForm(
                        "/reset-password?token=" + matcher.group(1),
                        "/reset-password",
                        Map.of("token", matcher.group(1), "password", "new-password-9"));
        assertThat(reset.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?reset"));
    }
}
