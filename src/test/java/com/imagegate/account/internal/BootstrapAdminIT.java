package com.imagegate.account.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.account.Role;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.support.TransactionTemplate;

@ExtendWith(OutputCaptureExtension.class)
@MariaDbIntegrationTest(
        properties = {
            "imagegate.bootstrap.admin-email=Operator@Example.COM",
            "imagegate.bootstrap.admin-password=" + BootstrapAdminIT.PASSWORD
        })
class BootstrapAdminIT {

    static final String PASSWORD = "correct-horse-battery-staple-42";

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Autowired
    BootstrapAdmin bootstrapAdmin;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void createsTheFirstAdminOnceWithAHashedPassword() {
        var admin = users.findByEmail("operator@example.com").orElseThrow();

        assertThat(admin.role()).isEqualTo(Role.ADMIN);
        assertThat(admin.id()).startsWith("usr_");
        assertThat(admin.passwordHash()).startsWith("{bcrypt}").doesNotContain(PASSWORD);

        bootstrapAdmin.run(null);
        bootstrapAdmin.run(null);

        assertThat(users.findAll())
                .filteredOn(user -> user.email().equals("operator@example.com"))
                .hasSize(1);
    }

    @Test
    void neverLogsThePassword(CapturedOutput output) {
        assertThat(output.getAll()).contains("operator@example.com").doesNotContain(PASSWORD);
    }

    @Test
    void adminSignsInThroughTheLoginFormWithAnyCaseOfTheirEmail() {
        var http = new Http(port);

        var signIn =
                http.submitForm("/login", "/login", Map.of("username", "OPERATOR@example.com", "password", PASSWORD));

        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(signIn.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).doesNotContain("error"));
        assertThat(http.get("/").body()).contains("operator@example.com", "Sign out");
    }

    @Test
    void wrongPasswordIsRefused() {
        var signIn = new Http(port)
                .submitForm("/login", "/login", Map.of("username", "operator@example.com", "password", "wrong"));

        assertThat(signIn.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/login?error"));
    }

    @Test
    void timestampsKeepMicroseconds() {
        Instant precise = Instant.parse("2026-11-25T10:15:30.123456Z");
        String id = transactions.execute(status -> users.saveAndFlush(User.admin("micro@example.com", null, precise))
                .id());

        Instant reread =
                transactions.execute(status -> users.findById(id).orElseThrow().createdAt());

        assertThat(reread).isEqualTo(precise.truncatedTo(ChronoUnit.MICROS));
    }

    @Autowired
    PasswordEncoder passwordEncoder;

    @Test
    void anExistingAccountThatNeverVerifiedItsEmailDoesNotKeepItsPassword() {
        // No admin yet, and the bootstrap address taken by an unverified account (someone signed up as the operator).
        transactions.executeWithoutResult(status -> {
            User operator = users.findByEmail("operator@example.com").orElseThrow();
            operator.changeRole(Role.USER, Instant.now());
            operator.changePasswordHash(passwordEncoder.encode("squatters-password-1"), Instant.now());
        });
        new JdbcTemplate(dataSource)
                .update("update users set email_verified = false where email = 'operator@example.com'");
        var squatter = new Http(port);
        squatter.submitForm(
                "/login", "/login", Map.of("username", "operator@example.com", "password", "squatters-password-1"));
        assertThat(squatter.get("/app").statusCode()).isEqualTo(200);

        bootstrapAdmin.run(null);

        var operator = users.findByEmail("operator@example.com").orElseThrow();
        assertThat(operator.role()).isEqualTo(Role.ADMIN);
        assertThat(operator.emailVerified()).isTrue();
        assertThat(passwordEncoder.matches("squatters-password-1", operator.passwordHash()))
                .isFalse();
        assertThat(passwordEncoder.matches(PASSWORD, operator.passwordHash())).isTrue();
        assertThat(squatter.get("/app").statusCode())
                .as("the squatter's session ended")
                .isEqualTo(302);
    }

    @Autowired
    DataSource dataSource;
}
