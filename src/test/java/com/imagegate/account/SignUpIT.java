package com.imagegate.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.credits.Credits;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** Sign-up over real HTTP against MariaDB. */
@MariaDbIntegrationTest
class SignUpIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    Credits credits;

    long spendableOf(String email) {
        String workspace = jdbc().queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ? and w.personal = true",
                        String.class,
                        email);
        return credits.balance(workspace).spendable();
    }

    JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    int count(String sql, Object... args) {
        return jdbc().queryForObject(sql, Integer.class, args);
    }

    @Test
    void newUserGetsAPersonalWorkspaceTheyOwnAndLandsOnTheDashboardSignedIn() {
        var http = new Http(port);

        var response = http.submitForm(
                "/signup", "/signup", Map.of("email", "New.User@Example.com", "password", "a-good-password"));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/app?welcome"));
        var dashboard = http.get("/app?welcome");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("new.user&#39;s workspace", "Welcome to Imagegate");
        assertThat(dashboard.body()).containsPattern("data-testid=\"spendable\">100<");
        assertThat(spendableOf("new.user@example.com")).isEqualTo(100);
        assertThat(count(
                        "select count(*) from memberships m join users u on u.id = m.user_id join workspaces w on w.id = m.workspace_id"
                                + " where u.email = ? and m.role = 'OWNER' and w.personal = true",
                        "new.user@example.com"))
                .isEqualTo(1);
    }

    @Test
    void signingInRotatesTheSessionId() {
        var http = new Http(port);
        http.get("/login");
        String before = http.cookie("SESSION").orElseThrow();

        http.submitForm("/signup", "/signup", Map.of("email", "rotate@example.com", "password", "a-good-password"));

        assertThat(http.cookie("SESSION")).isPresent().get().isNotEqualTo(before);
    }

    @Test
    void doubleSubmittedSignUpMakesOneAccount() {
        var http = new Http(port);
        var form = Map.of("email", "twice@example.com", "password", "a-good-password");

        var first = http.submitForm("/signup", "/signup", form);
        var second = new Http(port).submitForm("/signup", "/signup", form);

        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(second.statusCode()).isEqualTo(422);
        assertThat(second.body()).contains("already exists");
        assertThat(count("select count(*) from users where email = 'twice@example.com'"))
                .isEqualTo(1);
        assertThat(
                        count(
                                "select count(*) from workspaces w join users u on u.id = w.created_by where u.email = 'twice@example.com'"))
                .isEqualTo(1);
    }

    @Test
    void twentyConcurrentSignUpsWithOneEmailMakeOneAccount() throws Exception {
        List<Http> clients = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Http client = new Http(port);
            clients.add(client);
            tokens.add(client.csrfToken("/signup"));
        }
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Http client = clients.get(i);
            String token = tokens.get(i);
            calls.add(() ->
                    client.post("/signup", token, Map.of("email", "Race@Example.com", "password", "a-good-password")));
        }

        List<Integer> statuses = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(20)) {
            for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
                statuses.add(f.get().statusCode());
            }
        }

        assertThat(statuses).filteredOn(s -> s == 302).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 422).hasSize(19);
        assertThat(count("select count(*) from users where email = 'race@example.com'"))
                .isEqualTo(1);
        assertThat(
                        count(
                                "select count(*) from workspaces w join users u on u.id = w.created_by where u.email = 'race@example.com'"))
                .isEqualTo(1);
    }

    @Test
    void badInputGetsAClearMessageAndWritesNothing() {
        int usersBefore = count("select count(*) from users");
        int workspacesBefore = count("select count(*) from workspaces");
        String[][] cases = {
            {"", "a-good-password", "Enter your email address."},
            {"not-an-email", "a-good-password", "Enter a valid email address"},
            {"x".repeat(5000) + "@example.com", "a-good-password", "Enter a valid email address"},
            {"robert'); DROP TABLE users;--@example.com", "a-good-password", "Enter a valid email address"},
            {"ok@example.com", "", "at least 8"},
            {"ok@example.com", "short", "at least 8"},
            {"ok@example.com", "p".repeat(100), "at most 72"},
            {"ok@example.com", "OK@example.com", "must not be your email"},
        };
        for (String[] c : cases) {
            var response = new Http(port).submitForm("/signup", "/signup", Map.of("email", c[0], "password", c[1]));
            assertThat(response.statusCode()).as(c[2]).isEqualTo(422);
            assertThat(response.body()).as(c[2]).contains(c[2]).doesNotContain("Exception");
        }
        assertThat(count("select count(*) from users")).isEqualTo(usersBefore);
        assertThat(count("select count(*) from workspaces")).isEqualTo(workspacesBefore);
    }

    @Test
    void signUpWithoutCsrfTokenIsRefused() {
        var response = new Http(port)
                .post("/signup", "forged", Map.of("email", "csrf@example.com", "password", "a-good-password"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(count("select count(*) from users where email = 'csrf@example.com'"))
                .isZero();
    }

    @Test
    void repeatedWrongPasswordsThrottleTheAccountEvenForTheRightPassword() {
        new Http(port)
                .submitForm(
                        "/signup", "/signup", Map.of("email", "guessme@example.com", "password", "the-right-password"));

        for (int i = 0; i < 5; i++) {
            var wrong = new Http(port)
                    .submitForm(
                            "/login", "/login", Map.of("username", "guessme@example.com", "password", "wrong-" + i));
            assertThat(wrong.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
        }
        var right = new Http(port)
                .submitForm(
                        "/login",
                        "/login",
                        Map.of("username", "GuessMe@example.com", "password", "the-right-password"));

        assertThat(right.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?throttled"));
        var other = new Http(port)
                .submitForm(
                        "/signup",
                        "/signup",
                        Map.of("email", "someone-else@example.com", "password", "the-right-password"));
        assertThat(other.statusCode()).as("other accounts are unaffected").isEqualTo(302);
    }
}
