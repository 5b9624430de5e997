package com.imagegate.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.credits.Credits;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The free sign-up credits are given once per person, not per address (no mail configured: at sign-up). A second
 * account of the same person signs up fine, without them, and its dashboard says why.
 */
@MariaDbIntegrationTest
class FreeCreditsIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    Credits credits;

    @Test
    void eachPersonGetsTheFreeCreditsOnceWhateverTagCaseOrGmailDots() {
        assertFirstAccountGetsThemAndTheSecondNot("a+1@x.test", "A@x.test");
        assertFirstAccountGetsThemAndTheSecondNot("a.b@gmail.com", "ab@gmail.com");
        assertFirstAccountGetsThemAndTheSecondNot("c.d+news@googlemail.com", "C.D@gmail.com");
        // Dots count elsewhere: a.b@x.test and ab@x.test are two mailboxes, two people.
        assertThat(signUpAndDashboard("a.b@x.test")).containsPattern("data-testid=\"spendable\">100<");
        assertThat(signUpAndDashboard("ab@x.test")).containsPattern("data-testid=\"spendable\">100<");
        assertThat(signupLots("a+1@x.test", "a@x.test", "a.b@gmail.com", "ab@gmail.com"))
                .isEqualTo(2);
    }

    @Test
    void parallelSignUpsOfOnePersonGetExactlyOneGrant() {
        List<Http> clients = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Http client = new Http(port);
            clients.add(client);
            tokens.add(client.csrfToken("/signup"));
            emails.add(i % 2 == 0 ? "racer+" + i + "@gmail.com" : "R.a.c.e.r+" + i + "@googlemail.com");
        }

        var outcomes = Concurrently.run(
                12,
                i -> clients.get(i)
                        .post("/signup", tokens.get(i), Map.of("email", emails.get(i), "password", "a-good-password"))
                        .statusCode());

        assertThat(outcomes).allSatisfy(o -> assertThat(o.value()).isEqualTo(302));
        String[] stored = emails.stream().map(String::toLowerCase).toArray(String[]::new);
        assertThat(signupLots(stored)).isEqualTo(1);
        assertThat(emails.stream().mapToLong(e -> spendableOf(e.toLowerCase())).sum())
                .isEqualTo(100);
        assertThat(jdbc().queryForObject(
                                "select count(*) from free_credit_claims where mailbox = 'racer@gmail.com'",
                                Integer.class))
                .isOne();
    }

    @Autowired
    Accounts accounts;

    @Test
    void parallelSignUpsOfOnePersonFromManyNetworksGetExactlyOneGrant() {
        // Not serialized by a shared per-network count row: each comes from its own address.
        var outcomes = Concurrently.run(
                12,
                i -> accounts.signUp(
                        new SignUp("spread+" + i + "@x.test", "a-good-password"), "198.51.100." + (i + 1)));

        assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
        String[] emails = new String[12];
        for (int i = 0; i < 12; i++) {
            emails[i] = "spread+" + i + "@x.test";
        }
        assertThat(signupLots(emails)).isEqualTo(1);
        long total = 0;
        for (String email : emails) {
            total += spendableOf(email);
        }
        assertThat(total).isEqualTo(100);
    }

    private void assertFirstAccountGetsThemAndTheSecondNot(String first, String second) {
        String firstDashboard = signUpAndDashboard(first);
        assertThat(firstDashboard).containsPattern("data-testid=\"spendable\">100<");
        assertThat(firstDashboard).doesNotContain("no-free-credits");

        String secondDashboard = signUpAndDashboard(second);
        assertThat(secondDashboard).containsPattern("data-testid=\"spendable\">0<");
        assertThat(secondDashboard)
                .contains("id=\"no-free-credits\"", "already given to another account with your email address");
        assertThat(spendableOf(SignUp.normalizeEmail(first))).isEqualTo(100);
        assertThat(spendableOf(SignUp.normalizeEmail(second))).isZero();
    }

    /** Signs up (the account is created whatever its free credits) and returns the dashboard it lands on. */
    private String signUpAndDashboard(String email) {
        var http = new Http(port);
        var signUp = http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
        assertThat(signUp.statusCode()).as(email).isEqualTo(302);
        var dashboard = http.get("/app?welcome");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        return dashboard.body();
    }

    private long spendableOf(String email) {
        return credits.balance(personalWorkspace(email)).spendable();
    }

    private String personalWorkspace(String email) {
        return jdbc().queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by"
                                + " where u.email = ? and w.personal = true",
                        String.class,
                        email);
    }

    /** How many sign-up grants the ledger holds for these accounts' personal workspaces. */
    private int signupLots(String... emails) {
        int lots = 0;
        for (String email : emails) {
            lots += jdbc().queryForObject(
                            "select count(*) from credit_entry where workspace_id = ? and reference like 'signup:%'",
                            Integer.class, personalWorkspace(email));
        }
        return lots;
    }

    private JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }
}
