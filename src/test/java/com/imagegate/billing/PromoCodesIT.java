package com.imagegate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.account.Member;
import com.imagegate.account.Role;
import com.imagegate.account.WorkspaceRole;
import com.imagegate.account.WorkspaceSummary;
import com.imagegate.credits.Credits;
import com.imagegate.credits.LedgerReports;
import com.imagegate.credits.LotBalance;
import com.imagegate.credits.LotSource;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.FakeStripe;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
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

/**
 * Promo codes end to end: an admin creates codes in the console (audited), owners redeem them on the billing page with
 * htmx, each redemption is one ledger grant; concurrency, expiry, exhaustion, first-purchase-only, disabled codes,
 * rate limits and who may do what. Stripe's promotion code field on pack Checkouts is switched on here by its setting.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.bootstrap.admin-email=" + PromoCodesIT.ADMIN_EMAIL,
            "imagegate.bootstrap.admin-password=" + PromoCodesIT.ADMIN_PASSWORD,
            "imagegate.billing.stripe.secret-key=sk_test_fake",
            "imagegate.billing.stripe.webhook-secret=" + FakeStripe.WEBHOOK_SECRET,
            "imagegate.billing.checkout.allow-promotion-codes=true",
            "imagegate.billing.promo-codes.attempts-per-workspace=25",
            "imagegate.billing.promo-codes.attempts-per-address=100"
        })
@Import(MutableClock.Config.class)
class PromoCodesIT {

    static final String ADMIN_EMAIL = "promo-admin@example.com";
    static final String ADMIN_PASSWORD = "promo-admin-password-1";
    static final FakeStripe STRIPE = new FakeStripe();
    private static final Pattern SECRET = Pattern.compile("ig_test_[0-9A-Za-z]{43}");
    private static final Map<String, String> HTMX = Map.of("HX-Request", "true");

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
    LedgerReports ledger;

    @Autowired
    PromoCodes promoCodes;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    record Owner(Http http, String email, String workspaceId, String key) {}

    Owner signUp() {
        String email = "promo-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Http http = new Http(port);
        assertThat(http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        var created = http.submitForm("/app/keys", "/app/keys", Map.of("name", "k", "mode", "test"));
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).isTrue();
        String workspaceId = ApiClient.json(new ApiClient(port).get("/api/v1/account", secret.group()))
                .get("id")
                .asString();
        return new Owner(http, email, workspaceId, secret.group());
    }

    Http admin() {
        Http http = new Http(port);
        var signIn = http.submitForm("/login", "/login", Map.of("username", ADMIN_EMAIL, "password", ADMIN_PASSWORD));
        assertThat(signIn.headers().firstValue("Location").orElseThrow()).doesNotContain("error");
        return http;
    }

    /** Creates a code on the console's form; returns its id. */
    String createOnConsole(Http admin, Map<String, String> fields) {
        var form = new java.util.HashMap<>(Map.of("reason", "campaign"));
        form.putAll(fields);
        var created = admin.submitForm("/admin/promo-codes", "/admin/promo-codes", form);
        assertThat(created.statusCode()).isEqualTo(302);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).as("created, not refused").contains("/admin/promo-codes/promo_");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    PromoCodes.Code code(long credits, int max, boolean firstPurchaseOnly) {
        return promoCodes.create(
                new PromoCodes.NewCode(null, credits, null, null, max, firstPurchaseOnly, null), "admin:test");
    }

    HttpResponse<String> redeem(Owner owner, String typed) {
        return owner.http()
                .postWithHeaders(
                        "/app/billing/promo", owner.http().csrfToken("/app/billing"), Map.of("code", typed), HTMX);
    }

    long spendable(Owner owner) {
        return credits.balance(owner.workspaceId()).spendable();
    }

    int count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Integer.class, args);
    }

    double refusals(String outcome) {
        var counter = meters.find("imagegate.promo.redemptions")
                .tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anAdminCreatesACodeAndAnOwnerRedeemsItOnceOnTheBillingPage() {
        Http admin = admin();
        String typed = "Welcome-" + UUID.randomUUID().toString().substring(0, 6);
        String id = createOnConsole(
                admin,
                Map.of(
                        "code",
                        typed,
                        "credits",
                        "750",
                        "validityDays",
                        "30",
                        "maxRedemptions",
                        "10",
                        "note",
                        "launch"));
        PromoCodes.Code code = promoCodes.find(id).orElseThrow();
        assertThat(code.code()).isEqualTo(typed.replace("-", "").toUpperCase());
        assertThat(count("select count(*) from admin_audit_log where action = 'promo.create' and target_id = ?", id))
                .isEqualTo(1);

        Owner owner = signUp();
        long before = spendable(owner);
        // Typed in lower case with spaces: the lookup does not care.
        var redeemed = redeem(owner, " " + typed.toLowerCase().replace("-", " - ") + " ");
        assertThat(redeemed.statusCode()).as(redeemed.body()).isEqualTo(200);
        assertThat(redeemed.body())
                .contains("Redeemed: 750 credits added, valid until")
                .contains("Balance:");
        assertThat(spendable(owner)).isEqualTo(before + 750);
        var entry = ledger.entry("promo:" + id + ":" + owner.workspaceId()).orElseThrow();
        assertThat(entry.credits()).isEqualTo(750);
        LotBalance lot = credits.balance(owner.workspaceId()).lots().stream()
                .filter(l -> l.source() == LotSource.PROMO)
                .findFirst()
                .orElseThrow();
        assertThat(lot.expiresAt())
                .isBetween(
                        clock.instant().plus(Duration.ofDays(30)).minusSeconds(60),
                        clock.instant().plus(Duration.ofDays(30)).plusSeconds(60));

        var again = redeem(owner, typed);
        assertThat(again.statusCode()).isEqualTo(422);
        assertThat(again.body()).contains("This workspace has redeemed this code already.");
        assertThat(spendable(owner)).isEqualTo(before + 750);

        var console = admin.getPage("/admin/promo-codes/" + id);
        assertThat(console.body())
                .contains(owner.workspaceId())
                .contains("1 of 10")
                .contains("750");
        assertThat(admin.getPage("/admin/promo-codes").body()).contains(code.code());
    }

    @Test
    void twentyConcurrentRedemptionsByOneWorkspaceGrantOnce() {
        PromoCodes.Code code = code(500, 100, false);
        Owner owner = signUp();
        long before = spendable(owner);
        String csrf = owner.http().csrfToken("/app/billing");

        var outcomes = Concurrently.run(
                20, i -> owner.http().postWithHeaders("/app/billing/promo", csrf, Map.of("code", code.code()), HTMX));

        assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
        List<Integer> statuses =
                outcomes.stream().map(o -> o.value().statusCode()).toList();
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 422).hasSize(19);
        assertThat(outcomes.stream().map(o -> o.value().body()).filter(b -> b.contains("already")))
                .hasSize(19);
        assertThat(spendable(owner)).isEqualTo(before + 500);
        assertThat(count(
                        "select count(*) from credit_entry where workspace_id = ? and reference like 'promo:%'",
                        owner.workspaceId()))
                .isEqualTo(1);
        assertThat(promoCodes.find(code.id()).orElseThrow().redemptions()).isEqualTo(1);
    }

    @Test
    void anExpiredCodeChangesNothingAndSaysSo() {
        PromoCodes.Code code = promoCodes.create(
                new PromoCodes.NewCode(null, 300, null, clock.instant().plus(Duration.ofHours(1)), 10, false, null),
                "admin:test");
        Owner early = signUp();
        assertThat(redeem(early, code.code()).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofHours(2));
        Owner late = signUp();
        long before = spendable(late);
        var refused = redeem(late, code.code());

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("This code expired on");
        assertThat(spendable(late)).isEqualTo(before);
        assertThat(ledger.entry("promo:" + code.id() + ":" + late.workspaceId()))
                .isEmpty();
        assertThat(promoCodes.find(code.id()).orElseThrow().redemptions()).isEqualTo(1);
        assertThat(count("select count(*) from billing_promo_redemptions where code_id = ?", code.id()))
                .isEqualTo(1);
    }

    @Test
    void aUsedUpCodeRefusesTheNextWorkspace() {
        PromoCodes.Code code = code(100, 2, false);
        Owner first = signUp();
        Owner second = signUp();
        Owner third = signUp();
        assertThat(redeem(first, code.code()).statusCode()).isEqualTo(200);
        assertThat(redeem(second, code.code()).statusCode()).isEqualTo(200);
        long before = spendable(third);

        var refused = redeem(third, code.code());

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("This code has been used as often as it may be.");
        assertThat(spendable(third)).isEqualTo(before);
        assertThat(promoCodes.find(code.id()).orElseThrow().redemptions()).isEqualTo(2);
    }

    @Test
    void aDisabledCodeAnswersLikeAnUnknownOneUntilItIsEnabledAgain() {
        Http admin = admin();
        PromoCodes.Code code = code(100, 5, false);
        var disabled = admin.submitForm(
                "/admin/promo-codes/" + code.id(),
                "/admin/promo-codes/" + code.id() + "/disable",
                Map.of("reason", "leaked"));
        assertThat(disabled.statusCode()).isEqualTo(302);
        assertThat(count(
                        "select count(*) from admin_audit_log where action = 'promo.disable' and target_id = ?",
                        code.id()))
                .isEqualTo(1);
        Owner owner = signUp();
        long before = spendable(owner);

        var refused = redeem(owner, code.code());
        var unknown = redeem(owner, "NOSUCHCODE" + code.code());

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("This code is not valid. Check what you typed.");
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(unknown.body()).contains("This code is not valid. Check what you typed.");
        assertThat(spendable(owner)).isEqualTo(before);

        admin.submitForm(
                "/admin/promo-codes/" + code.id(),
                "/admin/promo-codes/" + code.id() + "/enable",
                Map.of("reason", "reissued"));
        assertThat(redeem(owner, code.code()).statusCode()).isEqualTo(200);
        assertThat(spendable(owner)).isEqualTo(before + 100);
    }

    @Test
    void aFirstPurchaseOnlyCodeRefusesAWorkspaceThatPaidAndPackCheckoutsOfferStripePromotionCodes() {
        PromoCodes.Code code = code(400, 10, true);
        Owner buyer = signUp();
        var checkout = buyer.http().submitForm("/app/billing", "/app/billing/checkout", Map.of("product", "standard"));
        String location = checkout.headers().firstValue("Location").orElseThrow();
        String session = location.substring(location.lastIndexOf('/') + 1);
        assertThat(STRIPE.object(session).get("allow_promotion_codes"))
                .as("the setting is on")
                .isEqualTo("true");
        STRIPE.payPackCheckout(session);
        assertThat(STRIPE.send(port, clock, "checkout.session.completed", session)
                        .statusCode())
                .isEqualTo(200);
        long paid = spendable(buyer);

        var refused = redeem(buyer, code.code());

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("This code is for workspaces that have not bought anything yet.");
        assertThat(spendable(buyer)).isEqualTo(paid);

        Owner newcomer = signUp();
        long before = spendable(newcomer);
        assertThat(redeem(newcomer, code.code()).statusCode()).isEqualTo(200);
        assertThat(spendable(newcomer)).isEqualTo(before + 400);

        // Plan Checkouts never offer it: plan credits follow the money paid.
        var plan = newcomer.http().submitForm("/app/billing", "/app/billing/checkout", Map.of("product", "pro"));
        String planLocation = plan.headers().firstValue("Location").orElseThrow();
        assertThat(STRIPE.object(planLocation.substring(planLocation.lastIndexOf('/') + 1))
                        .get("allow_promotion_codes"))
                .isNull();
    }

    @Test
    void guessingIsLimitedPerWorkspace() {
        PromoCodes.Code code = code(100, 10, false);
        Owner guesser = signUp();
        long before = spendable(guesser);
        double limitedBefore = refusals("rate_limited");
        double notValidBefore = refusals("not_valid");
        for (int i = 0; i < 25; i++) {
            assertThat(redeem(guesser, "GUESS" + i + "XXXXXXXX").statusCode()).isEqualTo(422);
        }

        var limited = redeem(guesser, code.code());

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).contains("Too many codes tried.");
        assertThat(spendable(guesser))
                .as("even a valid code grants nothing now")
                .isEqualTo(before);
        assertThat(refusals("rate_limited")).isEqualTo(limitedBefore + 1);
        assertThat(refusals("not_valid")).isEqualTo(notValidBefore + 25);
        // Another workspace is not held back by this one's guesses.
        Owner other = signUp();
        assertThat(redeem(other, code.code()).statusCode()).isEqualTo(200);
    }

    @Test
    void guessingIsLimitedPerClientAddressAcrossWorkspaces() {
        PromoCodes.Code code = code(100, 10, false);
        String address = "203.0.113." + (1 + new java.util.Random().nextInt(250));
        for (int i = 0; i < 100; i++) {
            Member member =
                    member("ws_guess" + (i / 20) + UUID.randomUUID().toString().substring(0, 4), WorkspaceRole.OWNER);
            assertThat(promoCodes.redeem(member, "WRONG" + i + "CODE", address).outcome())
                    .isEqualTo(PromoCodes.Outcome.NOT_VALID);
        }
        Owner fresh = signUp();
        Member owner = member(fresh.workspaceId(), WorkspaceRole.OWNER);

        assertThat(promoCodes.redeem(owner, code.code(), address).outcome()).isEqualTo(PromoCodes.Outcome.RATE_LIMITED);
        assertThat(promoCodes.redeem(owner, code.code(), "198.51.100.4").outcome())
                .as("from another address")
                .isEqualTo(PromoCodes.Outcome.REDEEMED);
    }

    @Test
    void membersCannotRedeemAndAFormWithoutItsCsrfTokenIsRefused() {
        PromoCodes.Code code = code(100, 10, false);
        Owner owner = signUp();
        long before = spendable(owner);
        assertThatThrownBy(() ->
                        promoCodes.redeem(member(owner.workspaceId(), WorkspaceRole.MEMBER), code.code(), "127.0.0.1"))
                .isInstanceOfSatisfying(
                        BillingException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(BillingException.Reason.FORBIDDEN));

        var forged =
                owner.http().postWithHeaders("/app/billing/promo", "not-the-token", Map.of("code", code.code()), HTMX);

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(spendable(owner)).isEqualTo(before);
        assertThat(promoCodes.find(code.id()).orElseThrow().redemptions()).isZero();
    }

    @Test
    void theConsoleIsForAdminsOnlyAndRefusesWeakOrDuplicateCodes() {
        Owner owner = signUp();
        assertThat(owner.http().getPage("/admin/promo-codes").statusCode()).isEqualTo(403);
        var posted = owner.http()
                .post(
                        "/admin/promo-codes",
                        owner.http().csrfToken("/app/billing"),
                        Map.of("code", "SNEAKYCODE123", "credits", "1000000", "maxRedemptions", "1", "reason", "x"));
        assertThat(posted.statusCode()).isEqualTo(403);
        assertThat(count("select count(*) from billing_promo_codes where code = 'SNEAKYCODE123'"))
                .isZero();

        Http admin = admin();
        int codes = count("select count(*) from billing_promo_codes");
        var weak = admin.submitForm(
                "/admin/promo-codes",
                "/admin/promo-codes",
                Map.of("code", "abc", "credits", "10", "maxRedemptions", "5", "reason", "test"));
        assertThat(weak.headers().firstValue("Location").orElseThrow()).endsWith("/admin/promo-codes");
        assertThat(admin.getPage("/admin/promo-codes").body()).contains("A typed code needs at least 8");
        String id = createOnConsole(admin, Map.of("credits", "10", "maxRedemptions", "5"));
        String generated = promoCodes.find(id).orElseThrow().code();
        assertThat(generated).hasSize(16).matches("[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{16}");
        var duplicate = admin.submitForm(
                "/admin/promo-codes",
                "/admin/promo-codes",
                Map.of("code", generated.toLowerCase(), "credits", "10", "maxRedemptions", "5", "reason", "test"));
        assertThat(duplicate.headers().firstValue("Location").orElseThrow()).endsWith("/admin/promo-codes");
        assertThat(count("select count(*) from billing_promo_codes")).isEqualTo(codes + 1);
        for (var bad : List.of(
                Map.of("credits", "0", "maxRedemptions", "5"),
                Map.of("credits", "10", "maxRedemptions", "0"),
                Map.of("credits", "ten", "maxRedemptions", "5"),
                Map.of("credits", "10", "maxRedemptions", "5", "validityDays", "-1"),
                Map.of("credits", "10", "maxRedemptions", "5", "expiresOn", "2001-01-01"))) {
            var form = new java.util.HashMap<>(bad);
            form.put("reason", "test");
            assertThat(admin.submitForm("/admin/promo-codes", "/admin/promo-codes", form)
                            .headers()
                            .firstValue("Location")
                            .orElseThrow())
                    .as(bad.toString())
                    .endsWith("/admin/promo-codes");
        }
        assertThat(count("select count(*) from billing_promo_codes")).isEqualTo(codes + 1);
    }

    static Member member(String workspaceId, WorkspaceRole role) {
        return new Member(
                "usr_" + UUID.randomUUID().toString().substring(0, 8),
                "someone@example.com",
                Role.USER,
                new WorkspaceSummary(workspaceId, "Team", false, false),
                role,
                List.of());
    }
}
