package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.imagegate.credits.BudgetPeriod;
import com.imagegate.credits.Credits;
import com.imagegate.credits.InsufficientCreditsException;
import com.imagegate.credits.KeyCap;
import com.imagegate.credits.Reserve;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.Mails;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MutableClock;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Key budget alerts by real mail (a local SMTP server): one email at 80% and one at 100% of a key's budget however
 * many concurrent creations get there together, again in the next period, never for a reservation that rolled back
 * nor for a key without a budget. A context of its own: it moves the clock by a day.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.prices.standard=10",
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=1000",
            "imagegate.generation.sandbox.delay=0ms"
        })
@Import(MutableClock.Config.class)
class KeyBudgetAlertIT {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> smtp.getSmtp().getPort());
    }

    private static final Pattern SECRET = Pattern.compile("ig_live_[0-9A-Za-z]{43}");

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    Credits credits;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Autowired
    MutableClock clock;

    record Owner(String email, Http http, String secret, String keyId, String workspaceId) {}

    @Test
    void twentyConcurrentCreationsMailOnceAt80AndOnceAt100ThenAgainInTheNextPeriod() {
        // 100 credits, 10 a task, a daily budget of 50: five tasks a day; 80% at the fourth, 100% at the fifth.
        Owner owner = confirmedOwner("budget-racer@example.com", "50");
        var outcomes = Concurrently.run(20, i -> create(owner, "race " + i));
        assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
        List<HttpResponse<String>> responses =
                outcomes.stream().map(Concurrently.Outcome::value).toList();
        assertThat(responses.stream().filter(r -> r.statusCode() == 202)).hasSize(5);
        assertThat(responses.stream().filter(r -> r.statusCode() == 429)).hasSize(15);
        awaitAlerts(owner.email(), 1, 1);
        assertThat(Mails.body(alertsTo(owner.email(), "80%").getFirst()))
                .contains(owner.keyId(), "80% of its daily budget", "40 of 50 credits", "/app/keys");
        assertThat(Mails.body(alertsTo(owner.email(), "100%").getFirst()))
                .contains(owner.keyId(), "whole daily budget", "50 of 50 credits");
        // Refused requests after 100% mail nothing more.
        assertThat(create(owner, "still refused").statusCode()).isEqualTo(429);
        stillAlerts(owner.email(), 1, 1);

        // The next day starts fresh: the same two levels alert once more, one request at a time.
        clock.advanceTo(BudgetPeriod.DAY.end(clock.instant()));
        for (int i = 0; i < 3; i++) {
            assertThat(create(owner, "next day " + i).statusCode()).isEqualTo(202); // 30 of 50
        }
        stillAlerts(owner.email(), 1, 1);
        assertThat(create(owner, "next day 80%").statusCode()).isEqualTo(202); // 40 of 50
        awaitAlerts(owner.email(), 2, 1);
        assertThat(create(owner, "next day 100%").statusCode()).isEqualTo(202); // 50 of 50
        awaitAlerts(owner.email(), 2, 2);
        assertThat(alertRows(owner.keyId())).isEqualTo(4);
    }

    @Test
    void aReservationThatRollsBackAlertsNothing() {
        Owner owner = confirmedOwner("budget-careful@example.com", "20");
        assertThat(create(owner, "for real 1").statusCode()).isEqualTo(202); // 10 of 20: 50%
        // A quote really reserves (to 20 of 20: both levels) in a transaction that rolls back...
        var quote = new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/quote",
                        "Bearer " + owner.secret(),
                        "{\"prompt\":\"just asking\",\"size\":\"1024x1024\"}");
        assertThat(quote.statusCode()).as(quote.body()).isEqualTo(200);
        // ... and so does a reservation in a caller's transaction that then fails.
        var tx = new TransactionTemplate(transactionManager);
        try {
            tx.executeWithoutResult(status -> {
                credits.reserve(new Reserve(
                        owner.workspaceId(),
                        10,
                        "rolled-back-key-1",
                        new KeyCap(owner.keyId(), 20L, BudgetPeriod.DAY),
                        "test"));
                throw new InsufficientCreditsException(owner.workspaceId(), 1, 0);
            });
        } catch (InsufficientCreditsException expected) {
            // rolled back
        }
        stillAlerts(owner.email(), 0, 0);
        assertThat(alertRows(owner.keyId())).isZero();

        // The same step, committed, does alert (80% and 100% at once: one mail each).
        assertThat(create(owner, "for real 2").statusCode()).isEqualTo(202); // 20 of 20
        awaitAlerts(owner.email(), 1, 1);
        assertThat(alertRows(owner.keyId())).isEqualTo(2);
    }

    @Test
    void aCreationRefusedByTheBudgetMailsTheFullAlertOnceHoweverManyAreRefusedTogetherAndAQuoteMailsNothing() {
        // A daily budget of 45: four tasks (40, the 80% alert at the fourth); then every task would pass the budget,
        // so spending never reaches 100% and only the refusal can tell the owners that the key is stopped.
        Owner owner = confirmedOwner("budget-refused@example.com", "45");
        for (int i = 0; i < 4; i++) {
            assertThat(create(owner, "fits " + i).statusCode()).isEqualTo(202);
        }
        awaitAlerts(owner.email(), 1, 0);

        // A quote answers the refusal but writes nothing: no alert row, no mail.
        var quote = new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/quote",
                        "Bearer " + owner.secret(),
                        "{\"prompt\":\"just asking\",\"size\":\"1024x1024\"}");
        assertThat(quote.statusCode()).as(quote.body()).isEqualTo(200);
        assertThat(ApiClient.json(quote).path("accepted").asBoolean()).isFalse();
        assertThat(ApiClient.json(quote).path("code").asString()).isEqualTo("insufficient_quota");
        stillAlerts(owner.email(), 1, 0);
        assertThat(alertRows(owner.keyId())).isEqualTo(1);

        // Fifty refusals at once: one 100% mail.
        var outcomes = Concurrently.run(50, i -> create(owner, "refused " + i));
        assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
        assertThat(outcomes.stream().map(Concurrently.Outcome::value)).allSatisfy(r -> {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
            assertThat(ApiClient.json(r).at("/error/code").asString()).isEqualTo("insufficient_quota");
        });
        awaitAlerts(owner.email(), 1, 1);
        assertThat(Mails.body(alertsTo(owner.email(), "100%").getFirst()))
                .contains(owner.keyId(), "refused a request of 10 credits", "daily budget", "40 of 45 credits");
        var jdbc = new JdbcTemplate(dataSource);
        assertThat(jdbc.queryForObject(
                        "select refused_credits from credit_key_budget_alerts where api_key_id = ? and alert_level = 100",
                        Long.class,
                        owner.keyId()))
                .isEqualTo(10L);
        // The refusals wrote nothing else: four tasks, four reservations, 60 credits left.
        assertThat(jdbc.queryForObject(
                        "select count(*) from image_tasks where workspace_id = ?", Integer.class, owner.workspaceId()))
                .isEqualTo(4);
        assertThat(credits.balance(owner.workspaceId()).spendable()).isEqualTo(60);

        // Later refusals in the period mail nothing more; the keys page shows the key stopped.
        assertThat(create(owner, "still refused").statusCode()).isEqualTo(429);
        stillAlerts(owner.email(), 1, 1);
        assertThat(alertRows(owner.keyId())).isEqualTo(2);
        assertThat(owner.http().get("/app/keys").body())
                .contains("40 / 45 credits this day", "Refused a task this day");
    }

    @Test
    void aKeyWithoutABudgetNeverAlerts() {
        Owner owner = confirmedOwner("budget-free@example.com", null);
        for (int i = 0; i < 10; i++) {
            assertThat(create(owner, "unbudgeted " + i).statusCode()).isEqualTo(202); // the whole balance
        }
        assertThat(create(owner, "broke").statusCode()).isEqualTo(429);
        stillAlerts(owner.email(), 0, 0);
        assertThat(alertRows(owner.keyId())).isZero();
    }

    // --- helpers

    private int alertRows(String keyId) {
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "select count(*) from credit_key_budget_alerts where api_key_id = ?", Integer.class, keyId);
    }

    /** A confirmed owner with one live key whose daily budget is {@code budget} credits (none when null). */
    private Owner confirmedOwner(String email, String budget) {
        var signUp =
                new Http(port).submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
        assertThat(signUp.statusCode()).isEqualTo(200);
        assertThat(new Http(port).get(Mails.confirmLink(smtp, email)).body()).contains("Email confirmed");
        var http = new Http(port);
        var signIn = http.submitForm("/login", "/login", Map.of("username", email, "password", "a-good-password"));
        assertThat(signIn.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/app"));
        Map<String, String> form = new HashMap<>(Map.of("name", "budget key", "mode", "live"));
        if (budget != null) {
            form.put("monthlyCreditCap", budget);
            form.put("budgetPeriod", "day");
        }
        var created = http.submitForm("/app/keys", "/app/keys", form);
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).as("secret shown").isTrue();
        var account = ApiClient.json(new ApiClient(port).get("/api/v1/account", secret.group()));
        String workspaceId = new JdbcTemplate(dataSource)
                .queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ?",
                        String.class,
                        email);
        assertThat(credits.balance(workspaceId).spendable()).isEqualTo(100);
        return new Owner(email, http, secret.group(), account.at("/api_key/id").asString(), workspaceId);
    }

    private HttpResponse<String> create(Owner owner, String prompt) {
        return new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + owner.secret(),
                        "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\"}");
    }

    private List<MimeMessage> alertsTo(String email, String level) {
        return Mails.to(smtp, email, "Key budget " + level);
    }

    /** Waits for the 80% and 100% alerts to number {@code at80} and {@code at100}, then checks no more come. */
    private void awaitAlerts(String email, int at80, int at100) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> alertsTo(email, "80%").size() >= at80
                        && alertsTo(email, "100%").size() >= at100);
        stillAlerts(email, at80, at100);
    }

    /** No further alert arrives: the counts hold for a while (a wrongly sent one would come within it). */
    private void stillAlerts(String email, int at80, int at100) {
        await().during(Duration.ofMillis(1_500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> alertsTo(email, "80%").size() == at80
                        && alertsTo(email, "100%").size() == at100);
        assertThat(alertsTo(email, "80%")).as("80% alerts").hasSize(at80);
        assertThat(alertsTo(email, "100%")).as("100% alerts").hasSize(at100);
        assertThat(alertsTo(email, "")).as("all key budget alerts").hasSize(at80 + at100);
    }
}
