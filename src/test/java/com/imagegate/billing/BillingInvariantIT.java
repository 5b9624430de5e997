package com.imagegate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.imagegate.credits.Credits;
import com.imagegate.credits.LotSource;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.FakeStripe;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MutableClock;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The money invariant of plans, tried by a dishonest customer: random sequences of subscribe, upgrade, downgrade,
 * keep, cancel, resume, renew, failed and late payments, plan switches through a customer portal that allows them
 * (immediate, with a new period and prorations to the customer's balance, the way the old exploit worked), packs,
 * refunds and disputes, with Stripe's events replayed, delivered concurrently and reordered. After every sequence:
 *
 * <ul>
 *   <li>the credits that payments put in (grants of packs and plans, less the allowances' remainders written off when
 *       replaced) are no more than the money paid buys at the catalog's best rate; after refunds and disputes, what was
 *       not taken back is recorded as a shortfall;
 *   <li>each billing period holds no more than its ceiling, its payments add up to it, and the workspace has at most
 *       one live plan lot;
 *   <li>the ledger's sums equal the balances (the integrity report).
 * </ul>
 *
 * Seeded and reproducible: {@code -Dbilling.seed=…} and {@code -Dbilling.sequences=…}; a failure names the sequence's
 * seed and its steps. The largest ratio of credits put in to credits paid for is written to {@code
 * target/billing-invariant.txt}.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.billing.stripe.secret-key=sk_test_fake",
            "imagegate.billing.stripe.webhook-secret=" + FakeStripe.WEBHOOK_SECRET,
            "imagegate.accounts.signups-per-ip-per-day=0"
        })
@Import(MutableClock.Config.class)
class BillingInvariantIT {

    static final FakeStripe STRIPE = new FakeStripe();
    static final long SEED = Long.getLong("billing.seed", 20261203L);
    static final int SEQUENCES = Integer.getInteger("billing.sequences", 200);

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
    MutableClock clock;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Credits credits;

    @Autowired
    Catalog catalog;

    /** An event as Stripe queued it: its payload is fixed when it happens; each delivery is signed anew. */
    record Event(String payload) {}

    /** One customer's state as the test drives it. */
    final class Customer {
        final Http http = new Http(port);
        final String email;
        final String workspaceId;
        final List<Event> queue = new ArrayList<>();
        final List<String> steps = new ArrayList<>();
        final Random random;
        String subscription;

        Customer(Random random, int n) {
            this.random = random;
            this.email = "inv-" + SEED + "-" + n + "-" + Long.toHexString(random.nextLong()) + "@example.com";
            assertThat(http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                            .statusCode())
                    .isEqualTo(302);
            workspaceId = jdbc.queryForObject(
                    "select m.workspace_id from memberships m join users u on u.id = m.user_id where u.email = ?",
                    String.class,
                    email);
        }

        String customerId() {
            return jdbc
                    .queryForList(
                            "select stripe_customer_id from billing_customers where workspace_id = ?",
                            String.class,
                            workspaceId)
                    .stream()
                    .findFirst()
                    .orElse(null);
        }

        void queue(String type, String objectId) {
            if (objectId != null) {
                queue.add(new Event(STRIPE.event(STRIPE.newEventId(), type, objectId)));
            }
        }

        /** Delivers some queued events in random order, some twice, some concurrently; 503s stay queued. */
        void deliver(boolean all) {
            int n = all ? queue.size() : random.nextInt(queue.size() + 1);
            for (int i = 0; i < n && !queue.isEmpty(); i++) {
                Event event = queue.remove(random.nextInt(queue.size()));
                int copies = random.nextInt(10) == 0 ? 3 : 1;
                List<Integer> statuses = Concurrently.run(copies, c -> send(event)).stream()
                        .map(Concurrently.Outcome::value)
                        .toList();
                if (statuses.contains(503)) {
                    queue.add(event);
                } else {
                    assertThat(statuses).as("event delivery").allMatch(status -> status == 200);
                }
                if (random.nextInt(8) == 0) {
                    queue.add(event); // Stripe delivers it again later
                }
            }
        }

        int send(Event event) {
            return STRIPE.deliver(
                            port,
                            event.payload(),
                            FakeStripe.signature(
                                    event.payload(),
                                    FakeStripe.WEBHOOK_SECRET,
                                    clock.instant().getEpochSecond()))
                    .statusCode();
        }
    }

    @Test
    void noSequenceOfBillingEventsGrantsMoreThanTheMoneyPaidBuys() throws IOException {
        Random seeds = new Random(SEED);
        double worst = 0;
        long sequences = 0;
        for (int n = 0; n < SEQUENCES; n++) {
            long seed = seeds.nextLong();
            Customer customer = new Customer(new Random(seed), n);
            try {
                run(customer);
                worst = Math.max(worst, check(customer));
                sequences++;
            } catch (AssertionError | RuntimeException e) {
                fail("sequence " + n + " (seed " + seed + ") failed after steps " + customer.steps, e);
            }
        }
        assertThat(credits.integrityReport().discrepancies()).isEmpty();
        String summary = "seed " + SEED + ": " + sequences + " random sequences; largest credits put in / credits paid"
                + " for = " + worst + System.lineSeparator();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "billing-invariant.txt"), summary);
        System.out.println("BillingInvariantIT: " + summary);
        assertThat(worst).isLessThanOrEqualTo(1.0);
    }

    /** The exploit of the old plan changes, Pro → Max → Pro → Max, through the billing page as it is now. */
    @Test
    void switchingBackAndForthOnTheBillingPageBuysNothingForFree() {
        Customer loop = new Customer(new Random(SEED), -1);
        subscribe(loop, "pro");
        loop.deliver(true);
        for (String plan : List.of("max", "pro", "max", "pro", "max")) {
            changePlan(loop, plan);
            loop.deliver(true);
        }
        assertThat(check(loop)).isLessThanOrEqualTo(1.0);
        assertThat(STRIPE.customerBalance(loop.customerId()))
                .as("no credit on the customer's balance to pay later upgrades with")
                .isZero();
        assertThat(STRIPE.invoicesOf(loop.customerId()))
                .as("the first invoice and one upgrade: the downgrades are scheduled, then kept away")
                .hasSize(2);
        assertThat(credits.balance(loop.workspaceId).spendable()).isEqualTo(100 + 25_000 + 70_707);
    }

    /**
     * The same loop the way the old code (or a portal that allows switching) did it: each switch at once, a new period,
     * the unused time credited to the customer's balance by a negative invoice marked paid, the next switch paid from
     * that balance. Each invoice buys only what its money paid for.
     */
    @Test
    void theOldImmediateSwitchLoopMintsNothing() {
        Customer loop = new Customer(new Random(SEED + 1), -2);
        subscribe(loop, "pro");
        loop.deliver(true);
        long paidBefore = STRIPE.chargesOf(loop.customerId()).stream()
                .mapToLong(STRIPE::chargeAmount)
                .sum();
        for (int i = 0; i < 3; i++) {
            portalSwitch(loop, "price_max");
            portalSwitch(loop, "price_pro");
            loop.deliver(true);
        }
        long paid = STRIPE.chargesOf(loop.customerId()).stream()
                .mapToLong(STRIPE::chargeAmount)
                .sum();
        assertThat(check(loop)).isLessThanOrEqualTo(1.0);
        assertThat(paid - paidBefore)
                .as("the loop charged the card only for the first upgrade")
                .isEqualTo(7_000);
        assertThat(jdbc.queryForList(
                        "select reason from billing_flags where workspace_id = ?", String.class, loop.workspaceId))
                .as("the invoices settled from the balance are flagged for the admins")
                .contains("UNPAID_INVOICE");
    }

    void run(Customer c) {
        Random random = c.random;
        subscribe(c, random.nextBoolean() ? "pro" : "max");
        int steps = 6 + random.nextInt(10);
        for (int i = 0; i < steps; i++) {
            int op = random.nextInt(13);
            switch (op) {
                case 0, 1 -> changePlan(c, random.nextBoolean() ? "pro" : "max");
                case 2 -> portalSwitch(c, random.nextBoolean() ? "price_pro" : "price_max");
                case 3 -> cancel(c, random.nextBoolean());
                case 4, 5 -> advance(c, random.nextInt(40));
                case 6 -> declines(c, random.nextInt(3) == 0);
                case 7 -> payOpen(c);
                case 8 -> refund(c);
                case 9 -> dispute(c);
                case 10 -> buyPack(c);
                case 11 -> c.steps.add("nothing");
                default -> {
                    c.steps.add("deliver");
                    c.deliver(false);
                }
            }
            c.deliver(false);
        }
        c.steps.add("deliver all");
        c.deliver(true);
        c.deliver(true);
    }

    void subscribe(Customer c, String plan) {
        c.steps.add("subscribe " + plan);
        var response = c.http.submitForm("/app/billing", "/app/billing/checkout", Map.of("product", plan));
        String location = response.headers().firstValue("Location").orElseThrow();
        String session = location.substring(location.lastIndexOf('/') + 1);
        STRIPE.now(clock.instant().getEpochSecond());
        String invoice = STRIPE.paySubscriptionCheckout(session, clock.instant().getEpochSecond());
        c.subscription = (String) STRIPE.object(session).get("subscription");
        c.queue("checkout.session.completed", session);
        c.queue("customer.subscription.created", c.subscription);
        c.queue(
                "paid".equals(STRIPE.object(invoice).get("status")) ? "invoice.paid" : "invoice.payment_failed",
                invoice);
    }

    /** The billing page's flow: the quote, then the confirmation with the quoted time. */
    void changePlan(Customer c, String plan) {
        c.steps.add("change to " + plan);
        STRIPE.now(clock.instant().getEpochSecond());
        var quote = c.http.get("/app/billing/plan?plan=" + plan);
        Matcher quotedAt =
                Pattern.compile("name=\"quoted_at\" value=\"(\\d+)\"").matcher(quote.body());
        if (quote.statusCode() != 200 || !quotedAt.find()) {
            c.steps.add("(refused)");
            return;
        }
        String before = (String) STRIPE.object(c.subscription).get("latest_invoice");
        var confirmed = c.http.submitForm(
                "/app/billing", "/app/billing/plan", Map.of("plan", plan, "quoted_at", quotedAt.group(1)));
        assertThat(confirmed.statusCode()).isEqualTo(302);
        String after = (String) STRIPE.object(c.subscription).get("latest_invoice");
        if (after != null && !after.equals(before)) {
            c.queue(
                    "paid".equals(STRIPE.object(after).get("status")) ? "invoice.paid" : "invoice.payment_failed",
                    after);
        }
        c.queue("customer.subscription.updated", c.subscription);
    }

    /**
     * A customer portal that lets customers switch plans at once: a new period from now, the unused time of the old
     * plan credited to the customer's balance (a negative invoice, marked paid), later invoices paid from it.
     */
    void portalSwitch(Customer c, String price) {
        c.steps.add("portal switch to " + price);
        STRIPE.now(clock.instant().getEpochSecond());
        String before = (String) STRIPE.object(c.subscription).get("latest_invoice");
        var answer = STRIPE.portalUpdate(
                c.subscription,
                Map.of(
                        "items[0][id]",
                        STRIPE.itemOf(c.subscription),
                        "items[0][price]",
                        price,
                        "billing_cycle_anchor",
                        "now",
                        "proration_behavior",
                        "create_prorations"));
        if (answer != 200) {
            c.steps.add("(refused by Stripe)");
            return;
        }
        String after = (String) STRIPE.object(c.subscription).get("latest_invoice");
        if (after != null && !after.equals(before)) {
            c.queue(
                    "paid".equals(STRIPE.object(after).get("status")) ? "invoice.paid" : "invoice.payment_failed",
                    after);
        }
        c.queue("customer.subscription.updated", c.subscription);
    }

    void cancel(Customer c, boolean cancel) {
        c.steps.add(cancel ? "cancel" : "resume");
        c.http.submitForm("/app/billing", "/app/billing/cancel", Map.of("cancel", Boolean.toString(cancel)));
        c.queue("customer.subscription.updated", c.subscription);
    }

    /** Time passes; a period that ended renews (or fails to, or ends for good). */
    void advance(Customer c, int days) {
        c.steps.add("advance " + days + "d");
        clock.advance(Duration.ofDays(days));
        long now = clock.instant().getEpochSecond();
        STRIPE.now(now);
        var subscription = STRIPE.object(c.subscription);
        if (!"active".equals(subscription.get("status")) && !"past_due".equals(subscription.get("status"))) {
            return;
        }
        if (STRIPE.periodEnd(c.subscription) > now) {
            return;
        }
        String invoice = STRIPE.renew(c.subscription, now, "subscription_cycle");
        if (invoice == null) {
            c.steps.add("(ended)");
            c.queue("customer.subscription.deleted", c.subscription);
            return;
        }
        c.queue(
                "paid".equals(STRIPE.object(invoice).get("status")) ? "invoice.paid" : "invoice.payment_failed",
                invoice);
        c.queue("customer.subscription.updated", c.subscription);
    }

    void declines(Customer c, boolean decline) {
        c.steps.add(decline ? "card declines" : "card works");
        STRIPE.declineCards(c.customerId(), decline);
    }

    void payOpen(Customer c) {
        c.steps.add("pay open invoices");
        for (String invoice : STRIPE.invoicesOf(c.customerId())) {
            if (STRIPE.payOpenInvoice(invoice)) {
                c.queue("invoice.paid", invoice);
                c.queue("customer.subscription.updated", c.subscription);
            }
        }
    }

    void refund(Customer c) {
        List<String> charges = STRIPE.chargesOf(c.customerId());
        if (charges.isEmpty()) {
            return;
        }
        String charge = charges.get(c.random.nextInt(charges.size()));
        long left = STRIPE.refundable(charge);
        if (left <= 0) {
            return;
        }
        long cents = c.random.nextBoolean() ? left : 1 + c.random.nextInt((int) left);
        c.steps.add("refund " + cents + " of " + charge);
        STRIPE.refund(charge, cents);
        c.queue("charge.refunded", charge);
    }

    void dispute(Customer c) {
        List<String> charges = STRIPE.chargesOf(c.customerId());
        if (charges.isEmpty() || c.random.nextInt(3) != 0) {
            return;
        }
        String charge = charges.get(c.random.nextInt(charges.size()));
        c.steps.add("dispute " + charge);
        c.queue("charge.dispute.created", STRIPE.dispute(charge));
    }

    void buyPack(Customer c) {
        c.steps.add("buy pack");
        var response = c.http.submitForm("/app/billing", "/app/billing/checkout", Map.of("product", "standard"));
        String location = response.headers().firstValue("Location").orElse("");
        if (!location.startsWith(STRIPE.baseUrl())) {
            c.steps.add("(refused)");
            return;
        }
        String session = location.substring(location.lastIndexOf('/') + 1);
        STRIPE.payPackCheckout(session);
        c.queue("checkout.session.completed", session);
    }

    /** Checks the invariants for one customer; returns credits put in / credits the money buys. */
    double check(Customer c) {
        String workspace = c.workspaceId;
        String customer = c.customerId();
        long gross = 0;
        long net = 0;
        for (String charge : STRIPE.chargesOf(customer)) {
            long amount = STRIPE.chargeAmount(charge);
            gross += amount;
            net += STRIPE.disputed(charge) ? 0 : amount - STRIPE.refunded(charge);
        }
        long putIn = sum(
                "select coalesce(sum(amount), 0) from credit_entry where workspace_id = ?"
                        + " and kind in ('PURCHASE', 'PLAN_ALLOWANCE', 'PLAN_CHANGE')",
                workspace);
        long clawedBack = -sum(
                "select coalesce(sum(amount), 0) from credit_entry where workspace_id = ? and kind = 'CLAWBACK'",
                workspace);
        long shortfall = sum(
                "select coalesce(sum(reclaim_asked - reclaimed), 0) from billing_payments where workspace_id = ?",
                workspace);
        // The catalog's best rate: credits per cent, as a fraction best.credits / best.cents.
        long[] best = bestRate();
        assertThat(BigInt.mul(putIn, best[1]))
                .as(
                        "credits put in (%d) ≤ gross money paid (%d cents) at the best rate %d/%d",
                        putIn, gross, best[0], best[1])
                .isLessThanOrEqualTo(BigInt.mul(gross, best[0]));
        assertThat(BigInt.mul(putIn - clawedBack - shortfall, best[1]))
                .as(
                        "credits kept after refunds (%d − %d taken back − %d shortfall) ≤ net money (%d cents)",
                        putIn, clawedBack, shortfall, net)
                .isLessThanOrEqualTo(BigInt.mul(net, best[0]));
        // Each period: no more than its ceiling, its payments add up to it.
        for (Map<String, Object> period : jdbc.queryForList(
                "select subscription_id, period_end, entitled, ceiling from billing_periods where workspace_id = ?",
                workspace)) {
            long entitled = ((Number) period.get("entitled")).longValue();
            assertThat(entitled).isLessThanOrEqualTo(((Number) period.get("ceiling")).longValue());
            long paid = sum(
                    "select coalesce(sum(credits), 0) from billing_payments where workspace_id = ? and kind = 'PLAN'"
                            + " and expires_at = ?",
                    workspace,
                    period.get("period_end"));
            assertThat(paid)
                    .as("payments of the period ending " + period.get("period_end"))
                    .isEqualTo(entitled);
        }
        long livePlanLots = credits.balance(workspace).lots().stream()
                .filter(lot -> lot.source() == LotSource.PLAN && lot.available() > 0)
                .count();
        assertThat(livePlanLots).as("live plan lots").isLessThanOrEqualTo(1);
        long ledger = sum("select coalesce(sum(amount), 0) from credit_entry where workspace_id = ?", workspace);
        long account = sum("select coalesce(sum(spendable), 0) from credit_account where workspace_id = ?", workspace);
        assertThat(ledger).as("sum(ledger) == balance").isEqualTo(account);
        return gross == 0 ? 0 : (double) putIn * best[1] / ((double) gross * best[0]);
    }

    long[] bestRate() {
        long[] best = {0, 1};
        catalog.subscriptionsById().values().forEach(p -> better(best, p.creditsPerPeriod(), p.priceCents()));
        catalog.packsById().values().forEach(p -> better(best, p.credits(), p.priceCents()));
        return best;
    }

    static void better(long[] best, long credits, long cents) {
        if (credits * best[1] > best[0] * cents) {
            best[0] = credits;
            best[1] = cents;
        }
    }

    long sum(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    static final class BigInt {
        static BigInteger mul(long a, long b) {
            return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
        }
    }
}
