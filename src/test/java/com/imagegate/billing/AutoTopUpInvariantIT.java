package com.imagegate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.imagegate.billing.internal.TopUpJob;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LotSource;
import com.imagegate.credits.Reserve;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.FakeStripe;
import com.imagegate.testsupport.FakeStripe.CardBehavior;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The auto top-up invariant under random histories: random crossings (some run again by hand, concurrently with
 * JobRunr's own run), cards that succeed, decline or ask for authentication, payments completed later, re-enabling
 * after a pause, and Stripe's {@code payment_intent.*} events delivered late, twice, concurrently, out of order and
 * about PaymentIntents that have changed since. After each sequence: the credits the ledger granted for top-ups equal
 * the pack's credits times the PaymentIntents Stripe says succeeded (never more); one PaymentIntent per attempt and per
 * idempotency key; at most one attempt per crossing; the monthly maximum never exceeded.
 *
 * <p>Seeded and reproducible: {@code -Dtopup.seed=…} and {@code -Dtopup.sequences=…}; a failure names the sequence's
 * seed and its steps.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.billing.stripe.secret-key=sk_test_fake",
            "imagegate.billing.stripe.webhook-secret=" + FakeStripe.WEBHOOK_SECRET
        })
@Import(MutableClock.Config.class)
class AutoTopUpInvariantIT {

    static final long SEED = Long.getLong("topup.seed", 20261203L);
    static final int SEQUENCES = Integer.getInteger("topup.sequences", 6);
    static final FakeStripe STRIPE = new FakeStripe();
    static final long PACK_CREDITS = 7700;

    @DynamicPropertySource
    static void stripe(DynamicPropertyRegistry registry) {
        registry.add("imagegate.billing.stripe.api-base", STRIPE::baseUrl);
    }

    @AfterAll
    static void stopStripe() {
        STRIPE.close();
    }

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

    @Test
    void creditsGrantedAreExactlyThePaidTopUpsUnderRandomHistories() {
        Random seeds = new Random(SEED);
        for (int n = 0; n < SEQUENCES; n++) {
            long seed = seeds.nextLong();
            List<String> steps = new ArrayList<>();
            try {
                sequence(new Random(seed), steps);
            } catch (AssertionError | RuntimeException e) {
                fail(
                        "sequence " + n + " (seed " + seed + ", -Dtopup.seed=" + SEED + ") failed after steps " + steps,
                        e);
            }
        }
    }

    private void sequence(Random random, List<String> steps) {
        Http http = new Http(port);
        String email = "inv-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertThat(http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        String workspaceId = jdbc.queryForObject(
                "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ?",
                String.class,
                email);
        var setup = http.submitForm("/app/billing", "/app/billing/topup/card", Map.of());
        String location = setup.headers().firstValue("Location").orElseThrow();
        String session = location.substring(location.lastIndexOf('/') + 1);
        String card = STRIPE.completeSetupCheckout(session, "visa", "4242");
        assertThat(STRIPE.send(port, clock, "checkout.session.completed", session)
                        .statusCode())
                .isEqualTo(200);
        String customer = jdbc.queryForObject(
                "select stripe_customer_id from billing_customers where workspace_id = ?", String.class, workspaceId);
        long threshold = 50 + random.nextInt(100);
        int max = 1 + random.nextInt(4);
        assertThat(save(http, threshold, max).statusCode()).isEqualTo(302);
        steps.add("threshold " + threshold + ", max " + max);
        List<String> crossings = new ArrayList<>();
        noteCrossing(workspaceId, crossings); // a threshold above the free credits crosses at once

        List<String> completedLater = new ArrayList<>();
        int length = 8 + random.nextInt(8);
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(10);
            if (pick < 4) {
                cross(workspaceId, random, steps, crossings);
            } else if (pick < 6) {
                CardBehavior behavior = CardBehavior.values()[random.nextInt(CardBehavior.values().length)];
                STRIPE.cardBehavior(card, behavior);
                steps.add("card " + behavior);
            } else if (pick < 8) {
                deliverSome(customer, random, steps);
            } else if (pick < 9) {
                List<String> open = intents(customer).stream()
                        .filter(pi -> !"succeeded".equals(STRIPE.object(pi).get("status")))
                        .toList();
                if (!open.isEmpty()) {
                    String pi = open.get(random.nextInt(open.size()));
                    STRIPE.succeedPaymentIntent(pi);
                    completedLater.add(pi);
                    steps.add("customer completes " + pi);
                }
            } else {
                clock.advance(Duration.ofSeconds(1));
                assertThat(save(http, threshold, max).statusCode()).isEqualTo(302);
                steps.add("saved enabled again");
                noteCrossing(workspaceId, crossings);
            }
        }
        // Every crossing's job has run (JobRunr's own runs may still come: they find the same attempt and key).
        for (String crossing : crossings) {
            job.run(workspaceId, crossing);
        }
        // In the end Stripe delivers what it owes, in random order, some twice.
        List<String> all = new ArrayList<>(intents(customer));
        java.util.Collections.shuffle(all, random);
        for (String pi : all) {
            String type = "succeeded".equals(STRIPE.object(pi).get("status"))
                    ? "payment_intent.succeeded"
                    : "payment_intent.payment_failed";
            for (int k = 0; k < 1 + random.nextInt(2); k++) {
                assertThat(STRIPE.send(port, clock, type, pi).statusCode()).isEqualTo(200);
            }
        }
        steps.add("final deliveries");

        // The invariant.
        long succeeded = intents(customer).stream()
                .filter(pi -> "succeeded".equals(STRIPE.object(pi).get("status")))
                .count();
        Long granted = jdbc.queryForObject(
                "select coalesce(sum(amount), 0) from credit_entry where workspace_id = ? and reference like 'stripe:pi_%'",
                Long.class, workspaceId);
        assertThat(granted).as("credits granted for top-ups").isEqualTo(succeeded * PACK_CREDITS);
        assertThat(count(
                        "select count(*) from billing_topups where workspace_id = ? and status = 'SUCCEEDED'",
                        workspaceId))
                .isEqualTo(succeeded);
        List<Map<String, String>> posts = STRIPE.paymentIntentPosts().stream()
                .filter(p -> customer.equals(p.get("customer")))
                .toList();
        long keys = posts.stream().map(p -> p.get("Idempotency-Key")).distinct().count();
        assertThat(intents(customer))
                .as("one PaymentIntent per idempotency key")
                .hasSize((int) keys);
        assertThat(count(
                        "select count(*) from billing_topups where workspace_id = ? and payment_intent is not null",
                        workspaceId))
                .isEqualTo(keys);
        for (var key :
                posts.stream().map(p -> p.get("Idempotency-Key")).distinct().toList()) {
            assertThat(count("select count(*) from billing_topups where id = ? and workspace_id = ?", key, workspaceId))
                    .as("every idempotency key is an attempt of this workspace")
                    .isEqualTo(1);
        }
        // The maximum limits the top-ups Imagegate charges; a payment the cardholder completed later, after its
        // attempt had failed, is granted all the same (the money was taken), so it is not counted here.
        var charging = jdbc.queryForList(
                "select charge_month, payment_intent from billing_topups where workspace_id = ?"
                        + " and status in ('PENDING', 'SUCCEEDED')",
                workspaceId);
        Map<Object, Long> perMonth = charging.stream()
                .filter(row -> !completedLater.contains((String) row.get("payment_intent")))
                .collect(java.util.stream.Collectors.groupingBy(
                        row -> row.get("charge_month"), java.util.stream.Collectors.counting()));
        assertThat(perMonth.values())
                .as("monthly maximum")
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(max));
        assertThat(jdbc.queryForObject(
                        "select count(*) - count(distinct crossing) from billing_topups where workspace_id = ?",
                        Long.class,
                        workspaceId))
                .isZero();
    }

    private void noteCrossing(String workspaceId, List<String> crossings) {
        jdbc
                .queryForList(
                        "select last_crossing from credit_topup_triggers where workspace_id = ?",
                        String.class,
                        workspaceId)
                .stream()
                .filter(c -> c != null && !crossings.contains(c))
                .forEach(crossings::add);
    }

    /** Back above the threshold, then below: a crossing, whose job is also run by hand, twice at once. */
    private void cross(String workspaceId, Random random, List<String> steps, List<String> crossings) {
        clock.advance(Duration.ofSeconds(1));
        long balance = credits.balance(workspaceId).spendable();
        credits.grant(
                new Grant(workspaceId, 1000, LotSource.ADMIN, null, "inv-" + UUID.randomUUID(), "test", "refill"));
        credits.reserve(new Reserve(workspaceId, balance + 1000, "inv-" + UUID.randomUUID(), null, "test"));
        var crossing = jdbc.queryForList(
                "select last_crossing from credit_topup_triggers where workspace_id = ?", String.class, workspaceId);
        steps.add("cross " + crossing);
        if (!crossing.isEmpty() && crossing.getFirst() != null && !crossings.contains(crossing.getFirst())) {
            crossings.add(crossing.getFirst());
        }
        if (!crossing.isEmpty() && crossing.getFirst() != null && random.nextBoolean()) {
            assertThat(Concurrently.run(2, k -> {
                        job.run(workspaceId, crossing.getFirst());
                        return true;
                    }))
                    .allMatch(Concurrently.Outcome::succeeded);
        }
    }

    /** Some event about some PaymentIntent: either type, whatever its state, sometimes twice at once. */
    private void deliverSome(String customer, Random random, List<String> steps) {
        List<String> known = intents(customer);
        if (known.isEmpty()) {
            return;
        }
        String pi = known.get(random.nextInt(known.size()));
        String type = random.nextBoolean() ? "payment_intent.succeeded" : "payment_intent.payment_failed";
        String payload = STRIPE.event(STRIPE.newEventId(), type, pi);
        String signature = FakeStripe.signature(
                payload, FakeStripe.WEBHOOK_SECRET, clock.instant().getEpochSecond());
        int times = 1 + random.nextInt(2);
        assertThat(Concurrently.run(
                        times, k -> STRIPE.deliver(port, payload, signature).statusCode()))
                .allSatisfy(o -> assertThat(o.value()).isEqualTo(200));
        steps.add(type + " " + pi + " ×" + times);
    }

    private List<String> intents(String customer) {
        return STRIPE.paymentIntents().stream()
                .filter(pi -> customer.equals(STRIPE.object(pi).get("customer")))
                .toList();
    }

    private static java.net.http.HttpResponse<String> save(Http http, long threshold, int max) {
        var form = new LinkedHashMap<String, String>();
        form.put("threshold", Long.toString(threshold));
        form.put("pack", "standard");
        form.put("monthly_max", Integer.toString(max));
        form.put("enabled", "true");
        return http.submitForm("/app/billing", "/app/billing/topup", form);
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }
}
