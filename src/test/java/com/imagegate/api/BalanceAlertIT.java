package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.InsufficientCreditsException;
import com.imagegate.credits.LotSource;
import com.imagegate.credits.Reserve;
import com.imagegate.credits.WriteOff;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.Mails;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
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
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Low-balance alerts by real mail (a local SMTP server): one email per crossing however many concurrent creations
 * cross together, again after the balance was back at or above the threshold, never for a reservation that rolled
 * back.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=1000",
            "imagegate.generation.sandbox.delay=0ms"
        })
class BalanceAlertIT {

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
    private static final String SUBJECT = "Low balance";

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    Credits credits;

    @Autowired
    PlatformTransactionManager transactionManager;

    record Owner(String email, Http http, String secret, String workspaceId) {}

    @Test
    void twentyConcurrentCreationsCrossingTheThresholdMailOnceThenOnceMoreAfterARefill() {
        Owner owner = confirmedOwner("racer@example.com");
        assertThat(credits.balance(owner.workspaceId()).spendable()).isEqualTo(100);
        assertThat(setThreshold(owner, "55").statusCode()).isEqualTo(302);

        var outcomes = Concurrently.run(20, i -> create(owner, "race " + i));
        assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
        List<HttpResponse<String>> responses =
                outcomes.stream().map(Concurrently.Outcome::value).toList();
        // 100 credits, 10 each: ten accepted, ten refused; the balance crossed 55 once, at the fifth reservation.
        assertThat(responses.stream().filter(r -> r.statusCode() == 202)).hasSize(10);
        assertThat(responses.stream().filter(r -> r.statusCode() == 429)).hasSize(10);
        assertThat(credits.balance(owner.workspaceId()).spendable()).isZero();
        awaitAlerts(owner.email(), 1);
        String mail = Mails.body(alertsTo(owner.email()).getFirst());
        assertThat(mail).contains("below your alert threshold of 55", "/app/billing");

        // Still below: a grant that does not reach the threshold re-arms nothing, more spending mails nothing.
        grant(owner, 20, "below-1");
        assertThat(create(owner, "still below").statusCode()).isEqualTo(202);
        stillAlerts(owner.email(), 1);

        // Back above the threshold (10 + 100 = 110): re-armed; falling below again mails once more, and only once.
        grant(owner, 100, "refill-1");
        stillAlerts(owner.email(), 1);
        for (int i = 0; i < 5; i++) {
            assertThat(create(owner, "after refill " + i).statusCode()).isEqualTo(202); // 110 → 60
        }
        stillAlerts(owner.email(), 1);
        assertThat(create(owner, "crossing again").statusCode()).isEqualTo(202); // 60 → 50 < 55
        awaitAlerts(owner.email(), 2);
        assertThat(Mails.body(alertsTo(owner.email()).get(1))).contains("is 50 credits");
        for (int i = 0; i < 3; i++) {
            assertThat(create(owner, "below again " + i).statusCode()).isEqualTo(202);
        }
        stillAlerts(owner.email(), 2);
    }

    @Test
    void aReservationThatRollsBackMailsNothing() {
        Owner owner = confirmedOwner("careful@example.com");
        assertThat(setThreshold(owner, "95").statusCode()).isEqualTo(302);

        // A quote really reserves (100 → 90, below 95) in a transaction that rolls back.
        var quote = new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/quote",
                        "Bearer " + owner.secret(),
                        "{\"prompt\":\"just asking\",\"size\":\"1024x1024\"}");
        assertThat(quote.statusCode()).as(quote.body()).isEqualTo(200);
        // A reservation in a caller's transaction that then fails.
        var tx = new TransactionTemplate(transactionManager);
        try {
            tx.executeWithoutResult(status -> {
                credits.reserve(new Reserve(owner.workspaceId(), 30, "rolled-back-1", null, "test"));
                throw new InsufficientCreditsException(owner.workspaceId(), 1, 0);
            });
        } catch (InsufficientCreditsException expected) {
            // rolled back
        }
        stillAlerts(owner.email(), 0);
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject(
                                "select armed from credit_alerts where workspace_id = ?",
                                Boolean.class,
                                owner.workspaceId()))
                .as("still armed")
                .isTrue();

        // The same crossing, committed, does mail.
        assertThat(create(owner, "for real").statusCode()).isEqualTo(202);
        awaitAlerts(owner.email(), 1);
    }

    @Test
    void aPlanChangeThatWritesOffAndGrantsInOneTransactionDoesNotAlertButAWriteOffAloneDoes() {
        Owner owner = confirmedOwner("planner@example.com");
        grant(owner, 500, "allowance-1"); // 600
        assertThat(setThreshold(owner, "200").statusCode()).isEqualTo(302);
        var tx = new TransactionTemplate(transactionManager);
        // An upgrade: the old allowance written off (600 → 100, below 200) and the new one granted, one transaction.
        tx.executeWithoutResult(status -> {
            credits.writeOff(new WriteOff(
                    owner.workspaceId(), "test-allowance-1", "test-allowance-1:replaced", "test", "upgrade"));
            grant(owner, 800, "allowance-2");
        });
        assertThat(credits.balance(owner.workspaceId()).spendable()).isEqualTo(900);
        stillAlerts(owner.email(), 0);
        // The allowance written off alone (900 → 100) is a real fall below the threshold.
        credits.writeOff(
                new WriteOff(owner.workspaceId(), "test-allowance-2", "test-allowance-2:ended", "test", "plan ended"));
        awaitAlerts(owner.email(), 1);
    }

    @Test
    void aThresholdSavedAboveTheBalanceAlertsAtOnceAndOnce() {
        Owner owner = confirmedOwner("late@example.com");
        assertThat(setThreshold(owner, "1,000").statusCode()).isEqualTo(302);
        awaitAlerts(owner.email(), 1);
        assertThat(setThreshold(owner, "1000").statusCode()).isEqualTo(302);
        stillAlerts(owner.email(), 1);
    }

    // --- helpers

    private Owner confirmedOwner(String email) {
        var signUp =
                new Http(port).submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
        assertThat(signUp.statusCode()).isEqualTo(200);
        assertThat(new Http(port).get(Mails.confirmLink(smtp, email)).body()).contains("Email confirmed");
        var http = new Http(port);
        var signIn = http.submitForm("/login", "/login", Map.of("username", email, "password", "a-good-password"));
        assertThat(signIn.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/app"));
        var created = http.submitForm("/app/keys", "/app/keys", Map.of("name", "alert key", "mode", "live"));
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).as("secret shown").isTrue();
        String workspaceId = new JdbcTemplate(dataSource)
                .queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ?",
                        String.class,
                        email);
        return new Owner(email, http, secret.group(), workspaceId);
    }

    private HttpResponse<String> setThreshold(Owner owner, String typed) {
        return owner.http().submitForm("/app/billing", "/app/billing/alert", Map.of("threshold", typed));
    }

    private HttpResponse<String> create(Owner owner, String prompt) {
        return new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + owner.secret(),
                        "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\"}");
    }

    private void grant(Owner owner, long amount, String reference) {
        credits.grant(
                new Grant(owner.workspaceId(), amount, LotSource.ADMIN, null, "test-" + reference, "test", "refill"));
    }

    private List<MimeMessage> alertsTo(String email) {
        return Mails.to(smtp, email, SUBJECT);
    }

    private void awaitAlerts(String email, int count) {
        await().atMost(Duration.ofSeconds(15)).until(() -> alertsTo(email).size() >= count);
        stillAlerts(email, count);
    }

    /** No further alert arrives: the count holds for a while (a wrongly sent one would come within it). */
    private void stillAlerts(String email, int count) {
        await().during(Duration.ofMillis(1_500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> alertsTo(email).size() == count);
        assertThat(alertsTo(email)).hasSize(count);
    }
}
