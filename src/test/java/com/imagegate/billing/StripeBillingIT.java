package com.imagegate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.account.Member;
import com.imagegate.account.Role;
import com.imagegate.account.WorkspaceRole;
import com.imagegate.account.WorkspaceSummary;
import com.imagegate.credits.Adjust;
import com.imagegate.credits.Credits;
import com.imagegate.credits.LotBalance;
import com.imagegate.credits.LotSource;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.FakeStripe;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MutableClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import tools.jackson.databind.JsonNode;

/**
 * Stripe billing end to end against a local fake of Stripe's API: Checkout, webhooks signed with the real scheme,
 * credits granted exactly once, plans changing rate limits, refunds and disputes taking credits back.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.billing.stripe.secret-key=sk_test_fake",
            "imagegate.billing.stripe.webhook-secret=" + FakeStripe.WEBHOOK_SECRET
        })
@Import(MutableClock.Config.class)
class StripeBillingIT {

    static final FakeStripe STRIPE = new FakeStripe();
    private static final Pattern SECRET = Pattern.compile("ig_test_[0-9A-Za-z]{43}");

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
    Billing billing;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcTemplate jdbc;

    record Buyer(Http http, String workspaceId, String key) {}

    Buyer signUp() {
        String email = "buyer-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Http http = new Http(port);
        assertThat(http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        var created = http.submitForm("/app/keys", "/app/keys", Map.of("name", "k", "mode", "test"));
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).isTrue();
        String workspaceId = account(secret.group()).get("id").asString();
        return new Buyer(http, workspaceId, secret.group());
    }

    JsonNode account(String key) {
        return ApiClient.json(new ApiClient(port).get("/api/v1/account", key));
    }

    /** Clicks a buy button: the answer sends the browser to Stripe's Checkout page; returns the session id. */
    String checkout(Buyer buyer, String product) {
        var response = buyer.http().submitForm("/app/billing", "/app/billing/checkout", Map.of("product", product));
        assertThat(response.statusCode()).isEqualTo(302);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(STRIPE.baseUrl() + "/checkout/");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** A pack bought and its webhook delivered; returns the charge. */
    String buyPack(Buyer buyer) {
        String session = checkout(buyer, "standard");
        String charge = STRIPE.payPackCheckout(session);
        assertThat(send("checkout.session.completed", session).statusCode()).isEqualTo(200);
        return charge;
    }

    HttpResponse<String> send(String type, String objectId) {
        return STRIPE.send(port, clock, type, objectId);
    }

    long spendable(Buyer buyer) {
        return credits.balance(buyer.workspaceId()).spendable();
    }

    long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    @Test
    void packPurchaseGrantsOnceEvenWhenTheEventIsDeliveredTenTimesAtOnce() {
        Buyer buyer = signUp();
        String session = checkout(buyer, "standard");

        @SuppressWarnings("unchecked")
        var metadata = (Map<String, String>) STRIPE.object(session).get("metadata");
        assertThat(STRIPE.object(session)).containsEntry("mode", "payment").containsEntry("price", "price_standard");
        assertThat(metadata).containsEntry("workspace_id", buyer.workspaceId()).containsEntry("product", "standard");
        String customer = (String) STRIPE.object(session).get("customer");
        assertThat(STRIPE.object(customer).get("metadata")).isEqualTo(Map.of("workspace_id", buyer.workspaceId()));
        assertThat(buyer.http()
                        .get("/app/billing/success?session_id=" + session)
                        .body())
                .as("coming back from Checkout grants nothing")
                .contains("credits are arriving");
        assertThat(spendable(buyer)).isEqualTo(100);

        STRIPE.payPackCheckout(session);
        String payload = STRIPE.event(STRIPE.newEventId(), "checkout.session.completed", session);
        String signature = FakeStripe.signature(
                payload, FakeStripe.WEBHOOK_SECRET, clock.instant().getEpochSecond());
        var outcomes = Concurrently.run(
                10, i -> STRIPE.deliver(port, payload, signature).statusCode());

        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.value()).isEqualTo(200));
        assertThat(spendable(buyer)).isEqualTo(100 + 7700);
        assertThat(count("select count(*) from credit_entry where reference = ?", "stripe:" + session))
                .isEqualTo(1);
        assertThat(count("select count(*) from billing_events where workspace_id = ?", buyer.workspaceId()))
                .isEqualTo(1);
        LotBalance pack = credits.balance(buyer.workspaceId()).lots().stream()
                .filter(lot -> lot.source() == LotSource.PACK)
                .findFirst()
                .orElseThrow();
        assertThat(pack.expiresAt())
                .isBetween(
                        clock.instant().plus(Duration.ofDays(364)),
                        clock.instant().plus(Duration.ofDays(367)));

        // Another event about the same payment (Stripe sends async_payment_succeeded for delayed methods) adds nothing.
        assertThat(send("checkout.session.async_payment_succeeded", session).statusCode())
                .isEqualTo(200);
        assertThat(spendable(buyer)).isEqualTo(100 + 7700);

        assertThat(buyer.http()
                        .get("/app/billing/success?session_id=" + session)
                        .body())
                .contains("purchase is complete");
        String page = buyer.http().get("/app/billing").body();
        assertThat(page).contains("Standard pack", "7,700", "10.00 USD");
        assertThat(buyer.http()
                        .get("/app/billing/success?session_id=cs_test_someone_elses")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void subscriptionLifecycleChangesCreditsAndRateLimits() {
        Buyer buyer = signUp();
        assertThat(account(buyer.key()).get("plan").asString()).isEqualTo("free");
        String session = checkout(buyer, "pro");
        assertThat(STRIPE.object(session)).containsEntry("mode", "subscription").containsEntry("price", "price_pro");
        long now = clock.instant().getEpochSecond();
        STRIPE.now(now);
        String firstInvoice = STRIPE.paySubscriptionCheckout(session, now);
        String subscription = (String) STRIPE.object(session).get("subscription");

        // Out of order: the invoice is paid before Checkout reports completion.
        assertThat(send("invoice.paid", firstInvoice).statusCode()).isEqualTo(200);
        assertThat(spendable(buyer)).isEqualTo(100 + 25_000);
        assertThat(send("checkout.session.completed", session).statusCode()).isEqualTo(200);
        assertThat(send("customer.subscription.created", subscription).statusCode())
                .isEqualTo(200);
        assertThat(spendable(buyer)).isEqualTo(100 + 25_000);
        JsonNode account = account(buyer.key());
        assertThat(account.get("plan").asString()).isEqualTo("pro");
        assertThat(account.get("rate_limits").get("requests_per_minute").asInt())
                .isEqualTo(60);
        assertThat(account.get("rate_limits").get("concurrent_tasks").asInt()).isEqualTo(8);
        var created = new ApiClient(port)
                .send("POST", "/api/v1/images/generations", "Bearer " + buyer.key(), "{\"prompt\":\"a lighthouse\"}");
        assertThat(created.statusCode()).isEqualTo(202);
        assertThat(created.headers().firstValue("x-ratelimit-limit-requests")).hasValue("60");
        assertThat(buyer.http()
                        .get("/app/billing/success?session_id=" + session)
                        .body())
                .contains("purchase is complete", "workspace is on Pro");

        // Renewal: a new period and its allowance; the old allowance expired with its period.
        clock.advance(Duration.ofDays(30));
        now = clock.instant().getEpochSecond();
        String renewal = STRIPE.renew(subscription, now, "subscription_cycle");
        assertThat(send("invoice.paid", renewal).statusCode()).isEqualTo(200);
        assertThat(spendable(buyer)).isEqualTo(25_000);

        // Upgrade to Max, 3 days into the 30-day period: at once, within the period; the customer sees the quote
        // first: the prorated difference now, and the credits it adds.
        clock.advance(Duration.ofDays(3));
        STRIPE.now(clock.instant().getEpochSecond());
        String quote = buyer.http().get("/app/billing/plan?plan=max").body();
        assertThat(quote).contains("takes effect <strong>at once</strong>", "63.00 USD", "63,636");
        Matcher quotedAt =
                Pattern.compile("name=\"quoted_at\" value=\"(\\d+)\"").matcher(quote);
        assertThat(quotedAt.find()).isTrue();
        var upgrade = buyer.http()
                .submitForm(
                        "/app/billing/plan?plan=max",
                        "/app/billing/plan",
                        Map.of("plan", "max", "quoted_at", quotedAt.group(1)));
        assertThat(upgrade.statusCode()).isEqualTo(302);
        assertThat(STRIPE.requests()).contains("POST /v1/subscriptions/" + subscription);
        String upgradeInvoice = (String) STRIPE.object(subscription).get("latest_invoice");
        assertThat(STRIPE.object(upgradeInvoice))
                .containsEntry("billing_reason", "subscription_update")
                .containsEntry("amount_paid", 6300L);
        assertThat(send("customer.subscription.updated", subscription).statusCode())
                .isEqualTo(200);
        assertThat(send("invoice.paid", upgradeInvoice).statusCode()).isEqualTo(200);
        assertThat(spendable(buyer))
                .as("the period's Pro allowance is replaced by one holding its rest plus what the upgrade paid for")
                .isEqualTo(25_000 + 63_636);
        assertThat(count(
                        "select count(*) from credit_entry where workspace_id = ? and kind = 'PLAN_CHANGE'",
                        buyer.workspaceId()))
                .isEqualTo(1);
        assertThat(send("invoice.paid", upgradeInvoice).statusCode()).isEqualTo(200);
        assertThat(spendable(buyer)).as("a replay grants nothing").isEqualTo(88_636);
        account = account(buyer.key());
        assertThat(account.get("plan").asString()).isEqualTo("max");
        assertThat(account.get("rate_limits").get("requests_per_minute").asInt())
                .isEqualTo(300);
        assertThat(account.get("rate_limits").get("concurrent_tasks").asInt()).isEqualTo(32);

        // Cancel: the plan stays until the period ends, then the workspace is on Free.
        assertThat(buyer.http()
                        .submitForm("/app/billing", "/app/billing/cancel", Map.of("cancel", "true"))
                        .statusCode())
                .isEqualTo(302);
        assertThat(STRIPE.object(subscription)).containsEntry("cancel_at_period_end", true);
        assertThat(send("customer.subscription.updated", subscription).statusCode())
                .isEqualTo(200);
        assertThat(account(buyer.key()).get("plan").asString()).isEqualTo("max");
        assertThat(buyer.http().get("/app/billing").body()).contains("Ends on");
        clock.advance(Duration.ofDays(27).plusMinutes(1));
        assertThat(account(buyer.key()).get("plan").asString())
                .as("the plan ends at the period end even before Stripe's deleted event")
                .isEqualTo("free");
        STRIPE.setSubscription(subscription, "status", "canceled");
        assertThat(send("customer.subscription.deleted", subscription).statusCode())
                .isEqualTo(200);
        account = account(buyer.key());
        assertThat(account.get("plan").asString()).isEqualTo("free");
        assertThat(account.get("rate_limits").get("requests_per_minute").asInt())
                .isEqualTo(10);
        assertThat(spendable(buyer)).as("allowances expire with their period").isZero();
    }

    @Test
    void failedRenewalShowsANoticeAndKeepsThePlanUntilStripeGivesUp() {
        Buyer buyer = signUp();
        String session = checkout(buyer, "pro");
        long now = clock.instant().getEpochSecond();
        String invoice = STRIPE.paySubscriptionCheckout(session, now);
        String subscription = (String) STRIPE.object(session).get("subscription");
        assertThat(send("invoice.paid", invoice).statusCode()).isEqualTo(200);

        String failed = STRIPE.failRenewal(subscription, now + 60);
        assertThat(send("invoice.payment_failed", failed).statusCode()).isEqualTo(200);

        assertThat(buyer.http().get("/app").body()).contains("id=\"payment-failed\"", "Pro");
        assertThat(account(buyer.key()).get("plan").asString()).isEqualTo("pro");
        long before = spendable(buyer);

        assertThat(STRIPE.payOpenInvoice(failed)).isTrue();
        assertThat(send("invoice.paid", failed).statusCode()).isEqualTo(200);
        assertThat(buyer.http().get("/app").body()).doesNotContain("id=\"payment-failed\"");
        assertThat(spendable(buyer))
                .as("the new period's allowance replaces the previous period's")
                .isEqualTo(before);
        assertThat(credits.balance(buyer.workspaceId()).lots().stream()
                        .filter(lot -> lot.source() == LotSource.PLAN)
                        .count())
                .isEqualTo(1);
    }

    @Test
    void refundsClawBackTheRefundedShareAndWhatWasSpentIsRecorded() {
        Buyer buyer = signUp();
        String charge = buyPack(buyer);
        assertThat(spendable(buyer)).isEqualTo(7800);

        STRIPE.refund(charge, 500);
        String payload = STRIPE.event(STRIPE.newEventId(), "charge.refunded", charge);
        String signature = FakeStripe.signature(
                payload, FakeStripe.WEBHOOK_SECRET, clock.instant().getEpochSecond());
        assertThat(STRIPE.deliver(port, payload, signature).statusCode()).isEqualTo(200);
        assertThat(spendable(buyer)).as("half the pack back").isEqualTo(7800 - 3850);
        assertThat(STRIPE.deliver(port, payload, signature).statusCode()).isEqualTo(200);
        assertThat(spendable(buyer)).as("a replay takes nothing more").isEqualTo(7800 - 3850);

        STRIPE.refund(charge, 500);
        assertThat(send("charge.refunded", charge).statusCode()).isEqualTo(200);
        assertThat(spendable(buyer)).as("the rest of the pack back").isEqualTo(100);

        // A pack mostly spent, then refunded in full: what is left is taken, the rest is recorded and flagged.
        Buyer spender = signUp();
        String spent = buyPack(spender);
        credits.adjust(new Adjust(spender.workspaceId(), -7000, "test:spend:" + spent, "test", "spent on images"));
        STRIPE.refund(spent, 1000);
        assertThat(send("charge.refunded", spent).statusCode()).isEqualTo(200);
        assertThat(spendable(spender)).isZero();
        assertThat(billing.payments(spender.workspaceId(), 10)).singleElement().satisfies(payment -> {
            assertThat(payment.reclaimed()).isEqualTo(800);
            assertThat(payment.shortfall()).isEqualTo(6900);
        });
        assertThat(billing.openFlags())
                .anySatisfy(flag -> assertThat(flag)
                        .extracting(BillingFlag::workspaceId, BillingFlag::reason)
                        .containsExactly(spender.workspaceId(), "REFUND_SHORTFALL"));
        assertThat(spender.http().get("/app/billing").body()).contains("6900 already spent");
    }

    @Test
    void disputeTakesThePackBackSuspendsPurchasesAndFlagsTheWorkspace() {
        Buyer buyer = signUp();
        String charge = buyPack(buyer);
        String dispute = STRIPE.dispute(charge);

        assertThat(send("charge.dispute.created", dispute).statusCode()).isEqualTo(200);

        assertThat(spendable(buyer)).isEqualTo(100);
        assertThat(billing.purchasesSuspended(buyer.workspaceId())).isTrue();
        assertThat(billing.openFlags())
                .anySatisfy(flag -> assertThat(flag)
                        .extracting(BillingFlag::workspaceId, BillingFlag::reason, BillingFlag::reference)
                        .containsExactly(buyer.workspaceId(), "DISPUTE", dispute));
        var again = buyer.http().submitForm("/app/billing", "/app/billing/checkout", Map.of("product", "standard"));
        assertThat(again.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/app/billing"));
        assertThat(buyer.http().get("/app/billing").body()).contains("Purchases are suspended");
    }

    @Test
    void badSignaturesStaleTimestampsAndUnknownEventsChangeNothing() {
        Buyer buyer = signUp();
        String session = checkout(buyer, "standard");
        STRIPE.payPackCheckout(session);
        String payload = STRIPE.event(STRIPE.newEventId(), "checkout.session.completed", session);
        long now = clock.instant().getEpochSecond();

        assertThat(STRIPE.deliver(port, payload, FakeStripe.signature(payload, "whsec_wrong", now))
                        .statusCode())
                .isEqualTo(400);
        assertThat(STRIPE.deliver(port, payload, FakeStripe.signature(payload, FakeStripe.WEBHOOK_SECRET, now - 600))
                        .statusCode())
                .as("signed 10 minutes ago")
                .isEqualTo(400);
        assertThat(STRIPE.deliver(port, payload, FakeStripe.signature("{}", FakeStripe.WEBHOOK_SECRET, now))
                        .statusCode())
                .as("signature of another body")
                .isEqualTo(400);
        assertThat(STRIPE.deliver(port, payload, "garbage").statusCode()).isEqualTo(400);
        String unknown = STRIPE.event(STRIPE.newEventId(), "customer.tax_id.created", session);
        assertThat(STRIPE.deliver(port, unknown, FakeStripe.signature(unknown, FakeStripe.WEBHOOK_SECRET, now))
                        .statusCode())
                .isEqualTo(200);
        assertThat(spendable(buyer)).isEqualTo(100);
        assertThat(count("select count(*) from billing_events where workspace_id = ?", buyer.workspaceId()))
                .isZero();
        assertThat(count("select count(*) from billing_payments where workspace_id = ?", buyer.workspaceId()))
                .isZero();

        assertThat(STRIPE.deliver(port, payload, FakeStripe.signature(payload, FakeStripe.WEBHOOK_SECRET, now))
                        .statusCode())
                .as("the same event, signed properly")
                .isEqualTo(200);
        assertThat(spendable(buyer)).isEqualTo(7800);
    }

    @Test
    void configuredPricesAreCheckedAgainstTheStripeAccount() {
        assertThat(billing.checkPrices()).isEmpty();
        STRIPE.price("price_pro", "imagegate_pro_monthly", 3900, "month");
        try {
            assertThat(billing.checkPrices()).singleElement().satisfies(mismatch -> {
                assertThat(mismatch.product()).isEqualTo("pro");
                assertThat(mismatch.problem()).contains("3900", "2900");
            });
        } finally {
            STRIPE.price("price_pro", "imagegate_pro_monthly", 2900, "month");
        }
    }

    @Test
    void onlyOwnersAndAdminsCanBuy() {
        Buyer buyer = signUp();
        var member = new Member(
                "usr_member",
                "member@example.com",
                Role.USER,
                new WorkspaceSummary(buyer.workspaceId(), "Team", false, false),
                WorkspaceRole.MEMBER,
                List.of());
        assertThatThrownBy(() -> billing.checkout(member, "standard"))
                .isInstanceOfSatisfying(
                        BillingException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(BillingException.Reason.FORBIDDEN));
        assertThat(count("select count(*) from billing_customers where workspace_id = ?", buyer.workspaceId()))
                .as("no Stripe customer made")
                .isZero();
    }
}
