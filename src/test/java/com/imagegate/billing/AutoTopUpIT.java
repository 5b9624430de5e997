package com.imagegate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.imagegate.billing.internal.TopUpJob;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LotSource;
import com.imagegate.credits.Reserve;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.FakeStripe;
import com.imagegate.testsupport.FakeStripe.CardBehavior;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.Mails;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MutableClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jobrunr.storage.JobNotFoundException;
import org.jobrunr.storage.StorageProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Automatic top-up end to end against the local fake of Stripe, with real mail (GreenMail): a card saved through a
 * setup-mode Checkout and its signed webhook; one PaymentIntent per crossing however many creations cross together and
 * however often the job runs; credits only from the signed {@code payment_intent.succeeded}, once, whatever the order
 * and number of deliveries; declines and authentication mailed, three in a row pausing; the monthly maximum; owners
 * only; another workspace's top-ups never shown; malformed settings refused with nothing saved.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.billing.stripe.secret-key=sk_test_fake",
            "imagegate.billing.stripe.webhook-secret=" + FakeStripe.WEBHOOK_SECRET,
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=1000",
            "imagegate.generation.sandbox.delay=0ms"
        })
@Import(MutableClock.Config.class)
class AutoTopUpIT {

    static final FakeStripe STRIPE = new FakeStripe();

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("imagegate.billing.stripe.api-base", STRIPE::baseUrl);
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> smtp.getSmtp().getPort());
    }

    @AfterAll
    static void stopStripe() {
        STRIPE.close();
    }

    private static final Pattern SECRET = Pattern.compile("ig_live_[0-9A-Za-z]{43}");
    private static final long PACK_CREDITS = 7700;

    @LocalServerPort
    int port;

    @Autowired
    Credits credits;

    @Autowired
    TopUpJob job;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    StorageProvider jobStorage;

    record Owner(String email, Http http, String secret, String workspaceId) {}

    @Test
    void aCrossingByTwentyConcurrentCreationsChargesOnceAndTheWebhookGrantsOnceWhateverTheDeliveries() {
        Owner owner = confirmedOwner("crossing");
        String card = saveCard(owner, "visa", "4242");
        assertThat(owner.http().get("/app/billing").body()).contains("visa ending in 4242");
        assertThat(saveSettings(owner, "55", "standard", "3", true).statusCode())
                .isEqualTo(302);
        assertThat(attempts(owner)).as("100 credits, not below 55: nothing yet").isEmpty();
        String customer = customerOf(owner);

        var outcomes = Concurrently.run(20, i -> create(owner, "race " + i));
        assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
        assertThat(outcomes.stream().filter(o -> o.value().statusCode() == 202)).hasSize(10);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> intentPostsOf(customer).size() >= 1);
        String attempt =
                await().atMost(Duration.ofSeconds(10)).until(() -> single(owner, "payment_intent"), pi -> pi != null);
        List<Map<String, String>> posts = intentPostsOf(customer);
        assertThat(posts).hasSize(1);
        Map<String, String> post = posts.getFirst();
        String attemptId = jdbc.queryForObject(
                "select id from billing_topups where workspace_id = ?", String.class, owner.workspaceId());
        assertThat(post)
                .containsEntry("Idempotency-Key", attemptId)
                .containsEntry("off_session", "true")
                .containsEntry("confirm", "true")
                .containsEntry("payment_method", card)
                .containsEntry("amount", "1000")
                .containsEntry("metadata[topup_id]", attemptId);
        assertThat(credits.balance(owner.workspaceId()).spendable())
                .as("Stripe's answer grants nothing; only the webhook does")
                .isZero();

        // The job run again, five times at once (a retry on another node): the same PaymentIntent, no second charge.
        String crossing =
                jdbc.queryForObject("select crossing from billing_topups where id = ?", String.class, attemptId);
        assertThat(Concurrently.run(5, i -> {
                    job.run(owner.workspaceId(), crossing);
                    return true;
                }))
                .allMatch(Concurrently.Outcome::succeeded);
        assertThat(intentPostsOf(customer).stream()
                        .map(p -> p.get("Idempotency-Key"))
                        .distinct())
                .containsExactly(attemptId);
        assertThat(STRIPE.paymentIntents().stream()
                        .filter(pi -> customer.equals(STRIPE.object(pi).get("customer"))))
                .containsExactly(attempt);
        assertThat(count("select count(*) from billing_topups where workspace_id = ?", owner.workspaceId()))
                .isEqualTo(1);

        // Out of order first: a failure event about the PaymentIntent, which has succeeded, changes nothing.
        assertThat(send("payment_intent.payment_failed", attempt).statusCode()).isEqualTo(200);
        assertThat(status(attemptId)).isEqualTo("PENDING");
        // The success, delivered five times at once with one event id, then again with another event id.
        String payload = STRIPE.event(STRIPE.newEventId(), "payment_intent.succeeded", attempt);
        String signature = FakeStripe.signature(
                payload, FakeStripe.WEBHOOK_SECRET, clock.instant().getEpochSecond());
        assertThat(Concurrently.run(
                        5, i -> STRIPE.deliver(port, payload, signature).statusCode()))
                .allSatisfy(o -> assertThat(o.value()).isEqualTo(200));
        assertThat(send("payment_intent.succeeded", attempt).statusCode()).isEqualTo(200);
        assertThat(credits.balance(owner.workspaceId()).spendable()).isEqualTo(PACK_CREDITS);
        assertThat(count("select count(*) from credit_entry where reference = ?", "stripe:" + attempt))
                .isEqualTo(1);
        assertThat(status(attemptId)).isEqualTo("SUCCEEDED");
        awaitMails(owner, "Auto top-up: 7,700 credits added", 1);
        assertThat(Mails.body(
                        Mails.to(smtp, owner.email(), "Auto top-up: 7,700").getFirst()))
                .contains("Standard pack", "10.00 USD", attemptId);
        stillMails(owner, "Auto top-up", 1);

        String page = owner.http().get("/app/billing").body();
        assertThat(page).contains("data-topup=\"" + attemptId + "\"", "SUCCEEDED", "7,700");
        // A forged event (wrong signature) is refused and grants nothing.
        String forged = STRIPE.event(STRIPE.newEventId(), "payment_intent.succeeded", attempt);
        assertThat(STRIPE.deliver(
                                port,
                                forged,
                                FakeStripe.signature(
                                        forged, "whsec_wrong", clock.instant().getEpochSecond()))
                        .statusCode())
                .isEqualTo(400);
        assertThat(credits.balance(owner.workspaceId()).spendable()).isEqualTo(PACK_CREDITS);
    }

    @Test
    void declinesAndAuthenticationAreRecordedMailedAndThreeInARowPauseUntilEnabledAgain() {
        Owner owner = confirmedOwner("declined");
        String card = saveCard(owner, "mastercard", "4444");
        STRIPE.cardBehavior(card, CardBehavior.DECLINE);
        // Saved while the balance (100) is already below 200: a top-up at once.
        assertThat(saveSettings(owner, "200", "standard", "10", true).statusCode())
                .isEqualTo(302);
        awaitStatuses(owner, "FAILED");
        assertThat(lastFailure(owner)).isEqualTo("card_declined");
        awaitMails(owner, "Auto top-up failed", 1);
        assertThat(Mails.body(
                        Mails.to(smtp, owner.email(), "Auto top-up failed").getFirst()))
                .contains("card_declined", "Your card was declined.", "Failures in a row: 1");
        // Stripe's own failure event about the same PaymentIntent: the same failure, no second mail.
        String first = single(owner, "payment_intent");
        assertThat(send("payment_intent.payment_failed", first).statusCode()).isEqualTo(200);
        assertThat(credits.balance(owner.workspaceId()).spendable()).isEqualTo(100);

        // Second crossing (back above, then below): authentication required, as Stripe answers off-session.
        STRIPE.cardBehavior(card, CardBehavior.AUTHENTICATE);
        recross(owner, "2");
        awaitStatuses(owner, "FAILED", "FAILED");
        assertThat(lastFailure(owner)).isEqualTo("authentication_required");
        // Third: the PaymentIntent asks for action (3-D Secure) → the same failure, and auto top-up pauses.
        STRIPE.cardBehavior(card, CardBehavior.REQUIRES_ACTION);
        recross(owner, "3");
        awaitStatuses(owner, "FAILED", "FAILED", "FAILED");
        assertThat(lastFailure(owner)).isEqualTo("authentication_required");
        awaitMails(owner, "Auto top-up paused", 1);
        stillMails(owner, "Auto top-up failed", 2);
        String page = owner.http().get("/app/billing").body();
        assertThat(page)
                .contains(
                        "auto-top-up-paused",
                        "paused after 3 failures in a row",
                        "card_declined",
                        "authentication_required");

        // Paused: a fourth crossing charges nothing.
        recross(owner, "4");
        stillAttempts(owner, 3);

        // Enabled again (the card works now): the failures reset and, being below, a top-up at once.
        STRIPE.cardBehavior(card, CardBehavior.SUCCEED);
        clock.advance(Duration.ofSeconds(1));
        assertThat(saveSettings(owner, "200", "standard", "10", true).statusCode())
                .isEqualTo(302);
        awaitStatuses(owner, "PENDING", "FAILED", "FAILED", "FAILED");
        assertThat(jdbc.queryForObject(
                        "select failures_in_row from billing_topup_settings where workspace_id = ?",
                        Integer.class,
                        owner.workspaceId()))
                .isZero();
        assertThat(owner.http().get("/app/billing").body()).doesNotContain("auto-top-up-paused");
    }

    @Test
    void theMonthlyMaximumHoldsEvenWhenManyCrossingsRunAtOnce() {
        Owner owner = confirmedOwner("capped");
        saveCard(owner, "visa", "1881");
        assertThat(saveSettings(owner, "200", "standard", "1", true).statusCode())
                .isEqualTo(302);
        awaitStatuses(owner, "PENDING");
        String customer = customerOf(owner);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> intentPostsOf(customer).size() == 1);

        // Another crossing this month: recorded as skipped, nothing charged.
        recross(owner, "2");
        awaitStatuses(owner, "SKIPPED", "PENDING");
        // Ten crossings at once on a cap already reached: all skipped, still one charge.
        assertThat(Concurrently.run(10, i -> {
                    job.run(owner.workspaceId(), "tuc_parallel" + i);
                    return true;
                }))
                .allMatch(Concurrently.Outcome::succeeded);
        assertThat(count(
                        "select count(*) from billing_topups where workspace_id = ? and status = 'SKIPPED'",
                        owner.workspaceId()))
                .isEqualTo(11);
        assertThat(intentPostsOf(customer)).hasSize(1);
        assertThat(owner.http().get("/app/billing").body()).contains("monthly_maximum", "Used this month: 1 of 1");
    }

    @Test
    void tenConcurrentCrossingsUnderAMaximumOfThreeChargeExactlyThree() {
        Owner owner = confirmedOwner("race-cap");
        saveCard(owner, "visa", "3333");
        assertThat(saveSettings(owner, "50", "standard", "3", true).statusCode())
                .isEqualTo(302);
        String customer = customerOf(owner);
        assertThat(Concurrently.run(10, i -> {
                    job.run(owner.workspaceId(), "tuc_race" + i);
                    return true;
                }))
                .allMatch(Concurrently.Outcome::succeeded);
        assertThat(count(
                        "select count(*) from billing_topups where workspace_id = ? and status = 'PENDING'",
                        owner.workspaceId()))
                .isEqualTo(3);
        assertThat(intentPostsOf(customer)).hasSize(3);
        assertThat(intentPostsOf(customer).stream()
                        .map(p -> p.get("Idempotency-Key"))
                        .distinct())
                .hasSize(3);
    }

    @Test
    void setupEventsReorderedOrReplayedKeepTheNewestCardAndOnlyOwnersChangeAnything() {
        Owner owner = confirmedOwner("cards");
        String older = checkoutSetup(owner);
        String newer = checkoutSetup(owner);
        STRIPE.completeSetupCheckout(older, "visa", "1111");
        String newest = STRIPE.completeSetupCheckout(newer, "amex", "0005");
        assertThat(send("checkout.session.completed", newer).statusCode()).isEqualTo(200);
        assertThat(send("checkout.session.completed", older).statusCode()).isEqualTo(200);
        assertThat(send("checkout.session.completed", older).statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject(
                        "select payment_method from billing_topup_settings where workspace_id = ?",
                        String.class,
                        owner.workspaceId()))
                .isEqualTo(newest);
        assertThat(owner.http().get("/app/billing").body())
                .contains("amex ending in 0005")
                .doesNotContain("1111");

        // Another workspace sees none of it.
        Owner stranger = confirmedOwner("stranger");
        assertThat(saveSettings(owner, "10", "standard", "2", true).statusCode())
                .isEqualTo(302);
        assertThat(create(owner, "spend").statusCode()).isEqualTo(202);
        recross(owner, "x");
        awaitStatuses(owner, "PENDING");
        String strangersPage = stranger.http().get("/app/billing").body();
        assertThat(strangersPage).doesNotContain("0005", "amex").contains("No automatic top-ups yet", "none saved");
        for (var row : jdbc.queryForList(
                "select id from billing_topups where workspace_id = ?", String.class, owner.workspaceId())) {
            assertThat(strangersPage).doesNotContain(row);
        }

        // Remove: the card is forgotten and auto top-up is off.
        assertThat(owner.http()
                        .submitForm("/app/billing", "/app/billing/topup/card/remove", Map.of())
                        .statusCode())
                .isEqualTo(302);
        assertThat(owner.http().get("/app/billing").body()).contains("none saved");
        assertThat(count("select count(*) from credit_topup_triggers where workspace_id = ?", owner.workspaceId()))
                .isZero();
        // Without a card it cannot be enabled.
        var refused = saveSettings(owner, "10", "standard", "2", true);
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("topup-enabled-error", "Save a card first");
    }

    @Test
    void membersCannotChangeAutoTopUpOrStartACardSetup() {
        Owner owner = confirmedOwner("team-owner");
        owner.http().submitForm("/app/members", "/app/workspaces", Map.of("name", "TopUp Team"));
        String team = jdbc.queryForObject(
                "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ? and w.name = ?",
                String.class,
                owner.email(),
                "TopUp Team");
        String memberEmail = "topup-member-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        owner.http().submitForm("/app/members", "/app/members/invite", Map.of("email", memberEmail, "role", "MEMBER"));
        String link = await().atMost(Duration.ofSeconds(15)).until(() -> invitation(memberEmail), l -> l != null);
        Http member = confirmedUser(memberEmail);
        member.submitForm(link, "/invitations/accept", Map.of("token", link.substring(link.indexOf('=') + 1)));
        String page = member.get("/app/billing").body();
        assertThat(page)
                .contains("Only owners of this workspace can set up auto top-up")
                .doesNotContain("auto-top-up-form");
        String token = member.csrfToken("/app/billing");
        int before = STRIPE.requests().size();
        assertThat(member.post(
                                "/app/billing/topup",
                                token,
                                Map.of("threshold", "10", "pack", "standard", "monthly_max", "1", "enabled", "true"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(member.post("/app/billing/topup/card", token, Map.of()).statusCode())
                .isEqualTo(403);
        assertThat(member.post("/app/billing/topup/card/remove", token, Map.of())
                        .statusCode())
                .isEqualTo(403);
        assertThat(STRIPE.requests()).hasSize(before);
        assertThat(count("select count(*) from billing_topup_settings where workspace_id = ?", team))
                .isZero();
        // Without the CSRF token the owner changes nothing either.
        assertThat(owner.http()
                        .post(
                                "/app/billing/topup",
                                "wrong",
                                Map.of("threshold", "10", "pack", "standard", "monthly_max", "1"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(count("select count(*) from billing_topup_settings where workspace_id = ?", team))
                .isZero();
    }

    @Test
    void malformedSettingsAreRefusedPerFieldAndNothingIsSaved() {
        Owner owner = confirmedOwner("malformed");
        saveCard(owner, "visa", "4242");
        assertThat(saveSettings(owner, "500", "standard", "2", false).statusCode())
                .isEqualTo(302);
        List<List<String>> bad = List.of(
                List.of("0", "standard", "2", "topup-threshold-error"),
                List.of("-5", "standard", "2", "topup-threshold-error"),
                List.of("abc", "standard", "2", "topup-threshold-error"),
                List.of("", "standard", "2", "topup-threshold-error"),
                List.of("99999999999999", "standard", "2", "topup-threshold-error"),
                List.of("500" + " ".repeat(40) + "x", "standard", "2", "topup-threshold-error"),
                List.of("100", "no-such-pack", "2", "topup-pack-error"),
                List.of("100", "", "2", "topup-pack-error"),
                List.of("100", "standard", "0", "topup-monthly-max-error"),
                List.of("100", "standard", "1.5", "topup-monthly-max-error"),
                List.of("100", "standard", "101", "topup-monthly-max-error"),
                List.of("100", "standard", "", "topup-monthly-max-error"));
        for (var input : bad) {
            var refused = saveSettings(owner, input.get(0), input.get(1), input.get(2), true);
            assertThat(refused.statusCode()).as(input.toString()).isEqualTo(422);
            assertThat(refused.body()).as(input.toString()).contains(input.get(3));
        }
        assertThat(jdbc.queryForMap(
                        "select enabled, threshold, pack, monthly_max from billing_topup_settings where workspace_id = ?",
                        owner.workspaceId()))
                .containsEntry("enabled", false)
                .containsEntry("threshold", 500L)
                .containsEntry("pack", "standard")
                .containsEntry("monthly_max", 2);
        assertThat(attempts(owner)).isEmpty();
        assertThat(count("select count(*) from credit_topup_triggers where workspace_id = ?", owner.workspaceId()))
                .isZero();
    }

    @Test
    void aCrossingWhoseJobWasNeverEnqueuedIsSweptAfterAMinuteAndChargedOnceHoweverOftenAndWhoeverRunsIt() {
        Owner owner = confirmedOwner("lost");
        saveCard(owner, "visa", "4242");
        assertThat(saveSettings(owner, "55", "standard", "5", true).statusCode())
                .isEqualTo(302);
        String customer = customerOf(owner);
        String crossing = loseCrossing(owner);

        // Within the minute the crossing's own job may still come: the sweep leaves it alone.
        clock.advance(Duration.ofSeconds(59));
        job.sweep();
        assertThat(jobExists(crossing)).as("not swept within the grace").isFalse();
        assertThat(attempts(owner)).isEmpty();

        // Past the minute: the sweep enqueues the crossing's job, which charges the saved card once.
        clock.advance(Duration.ofSeconds(2));
        job.sweep();
        assertThat(jobExists(crossing)).as("swept").isTrue();
        String intent =
                await().atMost(Duration.ofSeconds(20)).until(() -> single(owner, "payment_intent"), pi -> pi != null);
        String attemptId = single(owner, "id");
        assertThat(intentPostsOf(customer))
                .singleElement()
                .satisfies(post -> assertThat(post)
                        .containsEntry("Idempotency-Key", attemptId)
                        .containsEntry("off_session", "true")
                        .containsEntry("metadata[topup_id]", attemptId));
        assertThat(count("select count(*) from billing_topup_crossings where crossing = ?", crossing))
                .as("decided: nothing left to sweep")
                .isZero();

        // The sweep again, three times at once, with the original job arriving late three times on "other nodes".
        assertThat(Concurrently.run(6, i -> {
                    if (i % 2 == 0) {
                        job.sweep();
                    } else {
                        job.run(owner.workspaceId(), crossing);
                    }
                    return true;
                }))
                .allMatch(Concurrently.Outcome::succeeded);
        stillAttempts(owner, 1);
        assertThat(STRIPE.paymentIntents().stream()
                        .filter(pi -> customer.equals(STRIPE.object(pi).get("customer"))))
                .containsExactly(intent);

        // A second lost crossing, swept while its late original job runs at the same moment: still one charge.
        assertThat(send("payment_intent.succeeded", intent).statusCode()).isEqualTo(200);
        String second = loseCrossing(owner);
        clock.advance(Duration.ofMinutes(2));
        assertThat(Concurrently.run(6, i -> {
                    if (i % 2 == 0) {
                        job.sweep();
                    } else {
                        job.run(owner.workspaceId(), second);
                    }
                    return true;
                }))
                .allMatch(Concurrently.Outcome::succeeded);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> intentPostsOf(customer).size() >= 2);
        stillAttempts(owner, 2);
        assertThat(count("select count(*) from billing_topups where crossing = ?", second))
                .isEqualTo(1);
        String secondAttempt =
                jdbc.queryForObject("select id from billing_topups where crossing = ?", String.class, second);
        assertThat(intentPostsOf(customer).stream().map(p -> p.get("Idempotency-Key")))
                .as("every post for the second crossing carries its attempt's key")
                .containsOnly(attemptId, secondAttempt)
                .contains(secondAttempt);
        assertThat(STRIPE.paymentIntents().stream()
                        .filter(pi -> customer.equals(STRIPE.object(pi).get("customer"))))
                .hasSize(2);
    }

    @Test
    void aPausedOrDisabledAutoTopUpIsNotSweptNorChargedForAnOldCrossingWhenEnabledAgain() {
        Owner owner = confirmedOwner("unswept");
        saveCard(owner, "visa", "4242");
        assertThat(saveSettings(owner, "55", "standard", "5", true).statusCode())
                .isEqualTo(302);
        String customer = customerOf(owner);
        String crossing = loseCrossing(owner);

        // Paused (three failures in a row pause it; here set directly, the trigger kept): not swept.
        jdbc.update("update billing_topup_settings set paused = true where workspace_id = ?", owner.workspaceId());
        clock.advance(Duration.ofMinutes(2));
        job.sweep();
        assertThat(jobExists(crossing)).as("paused: not swept").isFalse();

        // Disabled on the page: the trigger and its undecided crossing are gone.
        assertThat(saveSettings(owner, "55", "standard", "5", false).statusCode())
                .isEqualTo(302);
        assertThat(count("select count(*) from billing_topup_crossings where workspace_id = ?", owner.workspaceId()))
                .isZero();
        clock.advance(Duration.ofMinutes(2));
        job.sweep();
        assertThat(jobExists(crossing)).as("disabled: not swept").isFalse();

        // Enabled again with the balance back above the threshold: the old crossing is not charged.
        credits.grant(new Grant(
                owner.workspaceId(),
                1000,
                LotSource.ADMIN,
                null,
                "test-refill-" + UUID.randomUUID(),
                "test",
                "refill"));
        assertThat(saveSettings(owner, "55", "standard", "5", true).statusCode())
                .isEqualTo(302);
        clock.advance(Duration.ofMinutes(2));
        job.sweep();
        assertThat(jobExists(crossing)).isFalse();
        stillAttempts(owner, 0);
        assertThat(intentPostsOf(customer)).isEmpty();
    }

    @Test
    void theCrossingIsNotedInTheTransactionThatCrossesAndRolledBackWithIt() {
        Owner owner = confirmedOwner("noted");
        saveCard(owner, "visa", "4242");
        assertThat(saveSettings(owner, "55", "standard", "5", true).statusCode())
                .isEqualTo(302);
        String noted = "select count(*) from billing_topup_crossings where workspace_id = ?";
        // The crossing is judged just before its transaction commits; a later step of that commit fails, so it rolls
        // back: the note was there with the crossing, and goes with it.
        var seenBeforeCommit = new java.util.concurrent.atomic.AtomicLong(-1);
        assertThatThrownBy(() -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
                    credits.reserve(
                            new Reserve(owner.workspaceId(), 50, "test-cross-" + UUID.randomUUID(), null, "test"));
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public void beforeCommit(boolean readOnly) {
                            seenBeforeCommit.set(count(noted, owner.workspaceId()));
                            throw new IllegalStateException("the commit fails after the crossing");
                        }
                    });
                }))
                .hasMessageContaining("the commit fails after the crossing");
        assertThat(seenBeforeCommit.get())
                .as("noted in the crossing's transaction")
                .isEqualTo(1);
        assertThat(count(noted, owner.workspaceId())).isZero();
        assertThat(jdbc.queryForObject(
                        "select armed from credit_topup_triggers where workspace_id = ?",
                        Boolean.class,
                        owner.workspaceId()))
                .isTrue();
        stillAttempts(owner, 0);

        // Committed: noted, then decided by its job (enqueued after the commit), which leaves nothing to sweep.
        credits.reserve(new Reserve(owner.workspaceId(), 50, "test-cross-" + UUID.randomUUID(), null, "test"));
        awaitStatuses(owner, "PENDING");
        await().atMost(Duration.ofSeconds(10)).until(() -> count(noted, owner.workspaceId()) == 0);
    }

    // --- helpers

    /**
     * What the commit of a crossing leaves when the node dies before enqueuing its job: the balance below the threshold
     * (spent with the trigger out of the way, so nothing crosses for real), the trigger disarmed with a new crossing
     * id, and the crossing noted as undecided. Returns the crossing id.
     */
    private String loseCrossing(Owner owner) {
        String crossing =
                "tuc_lost" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        var trigger = jdbc.queryForMap(
                "select threshold, updated_at from credit_topup_triggers where workspace_id = ?", owner.workspaceId());
        jdbc.update("delete from credit_topup_triggers where workspace_id = ?", owner.workspaceId());
        long balance = credits.balance(owner.workspaceId()).spendable();
        long threshold = ((Number) trigger.get("threshold")).longValue();
        if (balance >= threshold) {
            credits.reserve(new Reserve(
                    owner.workspaceId(), balance - threshold + 1, "test-lose-" + UUID.randomUUID(), null, "test"));
        }
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            jdbc.update(
                    "insert into credit_topup_triggers (workspace_id, threshold, armed, last_crossing, updated_at)"
                            + " values (?, ?, false, ?, ?)",
                    owner.workspaceId(),
                    threshold,
                    crossing,
                    java.sql.Timestamp.valueOf(java.time.LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)));
            jdbc.update(
                    "insert into billing_topup_crossings (crossing, workspace_id, crossed_at) values (?, ?, ?)",
                    crossing,
                    owner.workspaceId(),
                    java.sql.Timestamp.valueOf(java.time.LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)));
        });
        return crossing;
    }

    private boolean jobExists(String crossing) {
        try {
            jobStorage.getJobById(UUID.nameUUIDFromBytes(("topup:" + crossing).getBytes(StandardCharsets.UTF_8)));
            return true;
        } catch (JobNotFoundException absent) {
            return false;
        }
    }

    private Owner confirmedOwner(String name) {
        String email = name + "-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        Http http = confirmedUser(email);
        var created = http.submitForm("/app/keys", "/app/keys", Map.of("name", "topup key", "mode", "live"));
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).as("secret shown").isTrue();
        String workspaceId = jdbc.queryForObject(
                "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ?",
                String.class,
                email);
        return new Owner(email, http, secret.group(), workspaceId);
    }

    private Http confirmedUser(String email) {
        var signUp =
                new Http(port).submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
        assertThat(signUp.statusCode()).isEqualTo(200);
        assertThat(new Http(port).get(Mails.confirmLink(smtp, email)).body()).contains("Email confirmed");
        var http = new Http(port);
        var signIn = http.submitForm("/login", "/login", Map.of("username", email, "password", "a-good-password"));
        assertThat(signIn.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/app"));
        return http;
    }

    private String invitation(String email) {
        Pattern accept = Pattern.compile("(/invitations/accept\\?token=[A-Za-z0-9_-]+)");
        return Mails.to(smtp, email, "").stream()
                .map(Mails::body)
                .map(accept::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .reduce((a, b) -> b)
                .orElse(null);
    }

    /** Starts a setup-mode Checkout from the page; returns the session id. */
    private String checkoutSetup(Owner owner) {
        var response = owner.http().submitForm("/app/billing", "/app/billing/topup/card", Map.of());
        assertThat(response.statusCode()).isEqualTo(302);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(STRIPE.baseUrl() + "/checkout/");
        String session = location.substring(location.lastIndexOf('/') + 1);
        assertThat(STRIPE.object(session)).containsEntry("mode", "setup");
        return session;
    }

    /** Saves a card through a setup-mode Checkout and its signed webhook; returns the PaymentMethod. */
    private String saveCard(Owner owner, String brand, String last4) {
        String session = checkoutSetup(owner);
        String method = STRIPE.completeSetupCheckout(session, brand, last4);
        assertThat(send("checkout.session.completed", session).statusCode()).isEqualTo(200);
        return method;
    }

    private HttpResponse<String> saveSettings(
            Owner owner, String threshold, String pack, String monthlyMax, boolean enabled) {
        var form = new java.util.LinkedHashMap<String, String>();
        form.put("threshold", threshold);
        form.put("pack", pack);
        form.put("monthly_max", monthlyMax);
        if (enabled) {
            form.put("enabled", "true");
        }
        return owner.http().submitForm("/app/billing", "/app/billing/topup", form);
    }

    /** Back above the threshold (re-armed), then below it again: a new crossing. */
    private void recross(Owner owner, String tag) {
        clock.advance(Duration.ofSeconds(1)); // the history is ordered by time
        long balance = credits.balance(owner.workspaceId()).spendable();
        credits.grant(new Grant(
                owner.workspaceId(),
                1000,
                LotSource.ADMIN,
                null,
                "test-refill-" + tag + "-" + UUID.randomUUID(),
                "test",
                "refill"));
        credits.reserve(new Reserve(
                owner.workspaceId(), 1000 + balance, "test-spend-" + tag + "-" + UUID.randomUUID(), null, "test"));
    }

    private HttpResponse<String> create(Owner owner, String prompt) {
        return new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + owner.secret(),
                        "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\"}");
    }

    private HttpResponse<String> send(String type, String objectId) {
        return STRIPE.send(port, clock, type, objectId);
    }

    private String customerOf(Owner owner) {
        return jdbc.queryForObject(
                "select stripe_customer_id from billing_customers where workspace_id = ?",
                String.class,
                owner.workspaceId());
    }

    private List<Map<String, String>> intentPostsOf(String customer) {
        return STRIPE.paymentIntentPosts().stream()
                .filter(p -> customer.equals(p.get("customer")))
                .toList();
    }

    private List<String> attempts(Owner owner) {
        return jdbc.queryForList(
                "select status from billing_topups where workspace_id = ? order by created_at desc, id",
                String.class,
                owner.workspaceId());
    }

    private void awaitStatuses(Owner owner, String... newestFirst) {
        await().atMost(Duration.ofSeconds(20)).until(() -> attempts(owner).equals(List.of(newestFirst)));
    }

    private void stillAttempts(Owner owner, int count) {
        await().during(Duration.ofMillis(1_500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> attempts(owner).size() == count);
    }

    private String single(Owner owner, String column) {
        var values = jdbc.queryForList(
                "select " + column + " from billing_topups where workspace_id = ? order by created_at",
                String.class,
                owner.workspaceId());
        return values.isEmpty() ? null : values.getFirst();
    }

    private String lastFailure(Owner owner) {
        return jdbc.queryForObject(
                "select failure_code from billing_topups where workspace_id = ? order by created_at desc limit 1",
                String.class,
                owner.workspaceId());
    }

    private String status(String attemptId) {
        return jdbc.queryForObject("select status from billing_topups where id = ?", String.class, attemptId);
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    private void awaitMails(Owner owner, String subjectPrefix, int count) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Mails.to(smtp, owner.email(), subjectPrefix).size() >= count);
        stillMails(owner, subjectPrefix, count);
    }

    private void stillMails(Owner owner, String subjectPrefix, int count) {
        await().during(Duration.ofMillis(1_500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> Mails.to(smtp, owner.email(), subjectPrefix).size() == count);
    }
}
