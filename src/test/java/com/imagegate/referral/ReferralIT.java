package com.imagegate.referral;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.referral.internal.ReferralJob;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.FakeStripe;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MockOidc;
import com.imagegate.testsupport.MutableClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Referrals end to end over real HTTP: links on the billing page, sign-ups through them (password form, cookie, and a
 * real OIDC provider), the bonus with the free credits, purchases through Checkout with signed webhooks from the fake
 * Stripe (replayed and concurrent), refunds and disputes, the clearing job after the hold period, and the look-alike
 * rules (same mailbox, same sign-up address, same card).
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.billing.stripe.secret-key=sk_test_fake",
            "imagegate.billing.stripe.webhook-secret=" + FakeStripe.WEBHOOK_SECRET,
            "imagegate.accounts.signups-per-ip-per-day=0",
            "imagegate.referrals.enabled=true",
            "imagegate.referrals.bonus-credits=50",
            "imagegate.referrals.reward-credits=500",
            "imagegate.referrals.hold-period=P7D",
            "imagegate.referrals.max-rewards-per-month=2"
        })
@Import(MutableClock.Config.class)
class ReferralIT {

    static final FakeStripe STRIPE = new FakeStripe();
    static final MockOAuth2Server OIDC = MockOidc.start();
    private static final Pattern LINK = Pattern.compile("/signup\\?ref=([0-9A-Za-z]{16})");
    private static final AtomicInteger ADDRESSES = new AtomicInteger();
    static final Duration HOLD = Duration.ofDays(7);
    private static final Map<String, String> SESSIONS = new java.util.concurrent.ConcurrentHashMap<>();

    @DynamicPropertySource
    static void stripe(DynamicPropertyRegistry registry) {
        registry.add("imagegate.billing.stripe.api-base", STRIPE::baseUrl);
        MockOidc.register(registry, OIDC);
    }

    @AfterAll
    static void stop() {
        STRIPE.close();
        OIDC.shutdown();
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ReferralJob job;

    /** A signed-in account: its browser (with its own client address), email and personal workspace. */
    record Account(Http http, String email, String workspaceId, InetAddress address) {}

    static InetAddress newAddress() {
        int n = ADDRESSES.incrementAndGet();
        try {
            return InetAddress.getByName("127.1." + (n / 250) + "." + (n % 250 + 1));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    Account signUp(String email, InetAddress address, String ref) {
        Http http = new Http(port, address);
        if (ref != null) {
            assertThat(http.get("/signup?ref=" + ref).statusCode()).isEqualTo(200);
        }
        var response = http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return new Account(http, email, workspaceOf(email), address);
    }

    Account signUp(String ref) {
        return signUp(newEmail(), newAddress(), ref);
    }

    static String newEmail() {
        return "ref-" + UUID.randomUUID().toString().substring(0, 10) + "@example.com";
    }

    String workspaceOf(String email) {
        return jdbc.queryForObject(
                "select w.id from workspaces w join memberships m on m.workspace_id = w.id join users u on u.id ="
                        + " m.user_id where u.email = ? and w.personal = true",
                String.class,
                email);
    }

    String code(Account referrer) {
        Matcher link = LINK.matcher(referrer.http().get("/app/billing").body());
        assertThat(link.find()).as("the billing page shows the referral link").isTrue();
        return link.group(1);
    }

    /** Buys the standard pack through Checkout, paying with the card of {@code fingerprint} (null: its own card). */
    String buyPack(Account buyer, String fingerprint) {
        var response = buyer.http().submitForm("/app/billing", "/app/billing/checkout", Map.of("product", "standard"));
        assertThat(response.statusCode()).isEqualTo(302);
        String location = response.headers().firstValue("Location").orElseThrow();
        String session = location.substring(location.lastIndexOf('/') + 1);
        if (fingerprint != null) {
            STRIPE.payWithCard((String) STRIPE.object(session).get("customer"), fingerprint);
        }
        String charge = STRIPE.payPackCheckout(session);
        SESSIONS.put(charge, session);
        assertThat(send("checkout.session.completed", session).statusCode()).isEqualTo(200);
        return charge;
    }

    HttpResponse<String> send(String type, String objectId) {
        return STRIPE.send(port, clock, type, objectId);
    }

    long sum(String workspaceId, String referencePrefix) {
        return jdbc.queryForObject(
                "select coalesce(sum(amount), 0) from credit_entry where workspace_id = ? and reference like ?",
                Long.class,
                workspaceId,
                referencePrefix + "%");
    }

    long entries(String referencePrefix, String workspaceId) {
        return jdbc.queryForObject(
                "select count(*) from credit_entry where workspace_id = ? and reference like ?",
                Long.class,
                workspaceId,
                referencePrefix + "%");
    }

    String status(Account referred) {
        return jdbc
                .queryForList(
                        "select status from referrals where referred_workspace_id = ?",
                        String.class,
                        referred.workspaceId())
                .stream()
                .findFirst()
                .orElse(null);
    }

    long rewards(Account referrer) {
        return sum(referrer.workspaceId(), "referral:");
    }

    long bonus(Account referred) {
        return sum(referred.workspaceId(), "referral-bonus:");
    }

    /** Time passes beyond the hold period and the clearing job runs. */
    void clear() {
        clock.advance(HOLD.plusHours(1));
        job.settle();
    }

    @Test
    void theBonusComesOnceAndTheReferrerIsRewardedOnceOnlyAfterTheFirstPurchaseClears() {
        Account referrer = signUp(null);
        String code = code(referrer);
        assertThat(code(referrer)).as("the code is stable").isEqualTo(code);
        assertThat(new Http(port).get("/signup?ref=" + code).body())
                .contains("You were", "name=\"ref\" value=\"" + code + "\"");

        Account referred = signUp(code);
        assertThat(status(referred)).isEqualTo("SIGNED_UP");
        assertThat(bonus(referred)).isEqualTo(50);
        assertThat(entries("signup:", referred.workspaceId())).isEqualTo(1);
        assertThat(referred.http().cookie(Referrals.COOKIE).orElse(""))
                .as("the link's cookie is spent by the sign-up")
                .isEmpty();
        job.settle();
        assertThat(rewards(referrer)).as("nothing at sign-up").isZero();

        // The first purchase, its event delivered ten times at once.
        var response =
                referred.http().submitForm("/app/billing", "/app/billing/checkout", Map.of("product", "standard"));
        String location = response.headers().firstValue("Location").orElseThrow();
        String session = location.substring(location.lastIndexOf('/') + 1);
        STRIPE.payPackCheckout(session);
        String payload = STRIPE.event(STRIPE.newEventId(), "checkout.session.completed", session);
        String signature = FakeStripe.signature(
                payload, FakeStripe.WEBHOOK_SECRET, clock.instant().getEpochSecond());
        var outcomes = Concurrently.run(
                10, i -> STRIPE.deliver(port, payload, signature).statusCode());
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.value()).isEqualTo(200));
        assertThat(send("checkout.session.async_payment_succeeded", session).statusCode())
                .isEqualTo(200);
        assertThat(status(referred)).isEqualTo("PAID");

        job.settle();
        clock.advance(HOLD.minusHours(1));
        job.settle();
        assertThat(rewards(referrer)).as("not before the purchase has cleared").isZero();

        // A second purchase changes nothing about which purchase counts.
        buyPack(referred, null);
        clock.advance(Duration.ofHours(2));
        var runs = Concurrently.run(6, i -> {
            job.settle();
            return true;
        });
        assertThat(runs).allSatisfy(run -> assertThat(run.succeeded()).isTrue());
        job.settle();

        assertThat(status(referred)).isEqualTo("REWARDED");
        assertThat(rewards(referrer)).isEqualTo(500);
        assertThat(entries("referral:", referrer.workspaceId())).isEqualTo(1);
        assertThat(bonus(referred)).as("the bonus still came once").isEqualTo(50);
        assertThat(referrer.http().get("/app/billing").body())
                .contains("1</span> sign-ups", "1</span> rewarded", "500 credits earned");

        // Replays of every event after clearing change nothing.
        assertThat(send("checkout.session.completed", session).statusCode()).isEqualTo(200);
        clear();
        assertThat(rewards(referrer)).isEqualTo(500);
    }

    @Test
    void theLinkSurvivesAProviderSignUpThroughItsCookie() {
        Account referrer = signUp(null);
        String code = code(referrer);
        InetAddress address = newAddress();
        Http browser = new Http(port, address);
        assertThat(browser.get("/signup?ref=" + code).statusCode()).isEqualTo(200);
        assertThat(browser.cookie(Referrals.COOKIE)).contains(code);
        String email = newEmail();
        OIDC.enqueueCallback(new DefaultOAuth2TokenCallback(
                "default",
                "subject-" + email,
                "JWT",
                List.of("imagegate"),
                Map.of("email", email, "email_verified", true),
                3600));
        var toProvider = browser.get("/oauth2/authorization/mockid");
        var back = browser.getUrl(toProvider.headers().firstValue("Location").orElseThrow());
        var answer = browser.getUrl(back.headers().firstValue("Location").orElseThrow());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);

        Account referred = new Account(browser, email, workspaceOf(email), address);
        assertThat(status(referred)).isEqualTo("SIGNED_UP");
        assertThat(bonus(referred)).isEqualTo(50);
        buyPack(referred, null);
        clear();
        assertThat(rewards(referrer)).isEqualTo(500);
    }

    @Test
    void aRefundBeforeClearingVoidsTheRewardAndOneAfterTakesItBack() {
        Account referrer = signUp(null);
        String code = code(referrer);

        Account refunded = signUp(code);
        String charge = buyPack(refunded, null);
        STRIPE.refund(charge, 100);
        assertThat(send("charge.refunded", charge).statusCode()).isEqualTo(200);
        assertThat(status(refunded)).isEqualTo("VOID");

        Account disputed = signUp(code);
        String disputedCharge = buyPack(disputed, null);
        assertThat(send("charge.dispute.created", STRIPE.dispute(disputedCharge))
                        .statusCode())
                .isEqualTo(200);
        assertThat(status(disputed)).isEqualTo("VOID");

        clear();
        assertThat(rewards(referrer))
                .as("a refunded or disputed first purchase never clears")
                .isZero();
        buyPack(refunded, null);
        clear();
        assertThat(rewards(referrer))
                .as("nor does a later purchase stand in for it")
                .isZero();

        // Rewarded, then refunded: the reward is taken back once, however often the refund is delivered.
        Account late = signUp(code);
        String lateCharge = buyPack(late, null);
        clear();
        assertThat(rewards(referrer)).isEqualTo(500);
        STRIPE.refund(lateCharge, 1000);
        for (int i = 0; i < 3; i++) {
            assertThat(send("charge.refunded", lateCharge).statusCode()).isEqualTo(200);
        }
        assertThat(status(late)).isEqualTo("REVERSED");
        assertThat(sum(referrer.workspaceId(), "referral-reversal:")).isEqualTo(-500);
        assertThat(entries("referral-reversal:", referrer.workspaceId())).isEqualTo(1);
        assertThat(rewards(referrer))
                .as("the one grant stays in the ledger, its reversal beside it")
                .isEqualTo(500);
    }

    @Test
    void aLookAlikeNeverEarnsAReward() {
        // Same mailbox: another spelling of the referrer's Gmail address, from another address.
        String local = "lookalike" + UUID.randomUUID().toString().substring(0, 6);
        Account referrer = signUp(local + "@gmail.com", newAddress(), null);
        String code = code(referrer);
        Account sameMailbox =
                signUp(local.substring(0, 4) + "." + local.substring(4) + "+x@gmail.com", newAddress(), code);
        assertThat(status(sameMailbox)).isEqualTo("REFUSED");
        assertThat(bonus(sameMailbox)).isZero();
        buyPack(sameMailbox, null);

        // Same sign-up address as the referrer.
        Account sameAddress = signUp(newEmail(), referrer.address(), code);
        assertThat(status(sameAddress)).isEqualTo("REFUSED");
        assertThat(bonus(sameAddress)).isZero();
        buyPack(sameAddress, null);

        // Same card as the referrer paid with: known only at the purchase, refused at clearing.
        buyPack(referrer, "fp_shared_" + local);
        Account sameCard = signUp(code);
        assertThat(bonus(sameCard)).isEqualTo(50);
        buyPack(sameCard, "fp_shared_" + local);

        clear();
        assertThat(status(sameCard)).isEqualTo("REFUSED");
        assertThat(rewards(referrer)).isZero();
        assertThat(jdbc.queryForObject(
                        "select reason from referrals where referred_workspace_id = ?",
                        String.class,
                        sameCard.workspaceId()))
                .contains("card");

        // Self-referral: the referrer's own link, opened by the referrer, refers nobody.
        Account second = signUp(newEmail(), referrer.address(), code);
        assertThat(status(second)).isEqualTo("REFUSED");
    }

    @Test
    void theMonthlyCapLimitsRewardsPerReferrer() {
        Account referrer = signUp(null);
        String code = code(referrer);
        // One of them through the form's field alone (no cookie).
        String email = newEmail();
        Http http = new Http(port, newAddress());
        assertThat(http.submitForm(
                                "/signup",
                                "/signup",
                                Map.of("email", email, "password", "a-good-password", "ref", code))
                        .statusCode())
                .isEqualTo(302);
        Account byField = new Account(http, email, workspaceOf(email), null);
        assertThat(status(byField)).isEqualTo("SIGNED_UP");
        List<Account> referred = List.of(signUp(code), signUp(code), byField);
        referred.forEach(account -> buyPack(account, null));
        clear();
        assertThat(rewards(referrer)).isEqualTo(2 * 500);
        assertThat(referred.stream().map(this::status)).containsExactlyInAnyOrder("REWARDED", "REWARDED", "CAPPED");
    }

    @Test
    void aMalformedOrUnknownCodeIsIgnored() {
        Http http = new Http(port, newAddress());
        assertThat(http.get("/signup?ref=%27%20or%201%3D1").statusCode()).isEqualTo(200);
        assertThat(http.cookie(Referrals.COOKIE)).isEmpty();
        Account unknown = signUp("ZZZZZZZZZZZZZZZZ");
        assertThat(status(unknown)).isNull();
        assertThat(bonus(unknown)).isZero();
    }

    /** How a randomly made referred account relates to its referrer. */
    enum Kind {
        HONEST,
        SAME_MAILBOX,
        SAME_ADDRESS,
        SAME_CARD
    }

    /** A referred account in the random sequence, as the test knows it. */
    static final class Referred {
        final Account account;
        final Account referrer;
        final Kind kind;
        final List<String> charges = new java.util.ArrayList<>();
        boolean disputed;

        Referred(Account account, Account referrer, Kind kind) {
            this.account = account;
            this.referrer = referrer;
            this.kind = kind;
        }
    }

    /**
     * Random sequences (seeded: {@code -Dreferral.seed=…}) of sign-ups through links (honest and the three look-alikes),
     * purchases, replayed and concurrent webhooks, refunds, disputes, time passing and clearing runs. After them: at most
     * one reward per referred workspace and one bonus, none for a look-alike, a reward only for a first purchase that
     * was not refunded or disputed before it cleared (one refunded later has its reward taken back once), and the
     * referrers' rewards within the monthly cap.
     */
    @Test
    void randomSequencesKeepTheRewardInvariants() {
        long seed = Long.getLong("referral.seed", new java.util.Random().nextLong());
        var random = new java.util.Random(seed);
        String why = "seed " + seed + " (rerun with -Dreferral.seed=" + seed + ")";
        List<Account> referrers = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String local = "inv" + UUID.randomUUID().toString().substring(0, 8);
            Account referrer = signUp(local + "@gmail.com", newAddress(), null);
            buyPack(referrer, "fp_card_of_" + local);
            referrers.add(referrer);
        }
        List<Referred> all = new java.util.ArrayList<>();
        for (int step = 0; step < 40; step++) {
            int action = random.nextInt(10);
            if (action < 3 || all.isEmpty()) {
                Account referrer = referrers.get(random.nextInt(referrers.size()));
                Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
                String local = referrer.email().substring(0, referrer.email().indexOf('@'));
                Account account = switch (kind) {
                    case SAME_MAILBOX ->
                        signUp(
                                local.substring(0, 3) + "." + local.substring(3) + "+" + step + "@gmail.com",
                                newAddress(),
                                code(referrer));
                    case SAME_ADDRESS -> signUp(newEmail(), referrer.address(), code(referrer));
                    default -> signUp(code(referrer));
                };
                all.add(new Referred(account, referrer, kind));
            } else if (action < 6) {
                Referred buyer = all.get(random.nextInt(all.size()));
                if (!buyer.disputed) {
                    String referrerLocal = buyer.referrer
                            .email()
                            .substring(0, buyer.referrer.email().indexOf('@'));
                    String charge =
                            buyPack(buyer.account, buyer.kind == Kind.SAME_CARD ? "fp_card_of_" + referrerLocal : null);
                    buyer.charges.add(charge);
                    if (random.nextBoolean()) {
                        // The purchase's event replayed, concurrently with a clearing run.
                        String session = SESSIONS.get(charge);
                        var outcomes = Concurrently.run(2, i -> {
                            if (i == 0) {
                                job.settle();
                                return 200;
                            }
                            return send("checkout.session.completed", session).statusCode();
                        });
                        assertThat(outcomes)
                                .as(why)
                                .allSatisfy(
                                        outcome -> assertThat(outcome.value()).isEqualTo(200));
                    }
                }
            } else if (action < 7) {
                Referred refunded = all.get(random.nextInt(all.size()));
                if (!refunded.charges.isEmpty()) {
                    String charge = refunded.charges.get(random.nextInt(refunded.charges.size()));
                    if (STRIPE.refundable(charge) > 0) {
                        STRIPE.refund(charge, STRIPE.refundable(charge));
                        for (int i = 0; i <= random.nextInt(2); i++) {
                            assertThat(send("charge.refunded", charge).statusCode())
                                    .as(why)
                                    .isEqualTo(200);
                        }
                    }
                }
            } else if (action < 8) {
                Referred disputed = all.get(random.nextInt(all.size()));
                if (!disputed.charges.isEmpty() && !disputed.disputed) {
                    String charge = disputed.charges.get(random.nextInt(disputed.charges.size()));
                    if (!STRIPE.disputed(charge)) {
                        assertThat(send("charge.dispute.created", STRIPE.dispute(charge))
                                        .statusCode())
                                .as(why)
                                .isEqualTo(200);
                        disputed.disputed = true;
                    }
                }
            } else {
                clock.advance(Duration.ofHours(random.nextInt(24 * 5)));
                var runs = Concurrently.run(1 + random.nextInt(3), i -> {
                    job.settle();
                    return true;
                });
                assertThat(runs)
                        .as(why)
                        .allSatisfy(run -> assertThat(run.succeeded()).isTrue());
            }
        }
        clear();

        for (Referred referred : all) {
            String id = jdbc.queryForObject(
                    "select id from referrals where referred_workspace_id = ?",
                    String.class,
                    referred.account.workspaceId());
            String state = status(referred.account);
            long rewardEntries = jdbc.queryForObject(
                    "select count(*) from credit_entry where reference = ?", Long.class, "referral:" + id);
            long reversals = jdbc.queryForObject(
                    "select count(*) from credit_entry where reference = ?", Long.class, "referral-reversal:" + id);
            assertThat(rewardEntries).as(why).isLessThanOrEqualTo(1);
            assertThat(reversals).as(why).isLessThanOrEqualTo(rewardEntries);
            assertThat(entries("referral-bonus:", referred.account.workspaceId()))
                    .as(why)
                    .isLessThanOrEqualTo(1);
            if (referred.kind != Kind.HONEST) {
                assertThat(rewardEntries)
                        .as(why + ": no reward for a look-alike " + referred.kind)
                        .isZero();
                if (referred.kind == Kind.SAME_CARD && referred.charges.isEmpty()) {
                    assertThat(state)
                            .as(why + ": the card is seen only at a purchase")
                            .isEqualTo("SIGNED_UP");
                } else {
                    assertThat(state).as(why).isIn("REFUSED", "VOID");
                }
            }
            if (referred.kind == Kind.SAME_MAILBOX || referred.kind == Kind.SAME_ADDRESS) {
                assertThat(bonus(referred.account)).as(why).isZero();
            }
            if (referred.charges.isEmpty()) {
                assertThat(state).as(why).isIn("SIGNED_UP", "REFUSED");
            }
            String first = referred.charges.isEmpty() ? null : referred.charges.getFirst();
            boolean firstReversed = first != null && (STRIPE.refunded(first) > 0 || STRIPE.disputed(first));
            if (rewardEntries == 1) {
                assertThat(state).as(why).isIn("REWARDED", "REVERSED");
                assertThat(state.equals("REVERSED")).as(why).isEqualTo(firstReversed);
                assertThat(reversals).as(why).isEqualTo(firstReversed ? 1 : 0);
            } else if (referred.kind == Kind.HONEST && first != null) {
                assertThat(state).as(why).isIn("VOID", "CAPPED");
                if (state.equals("VOID")) {
                    assertThat(firstReversed)
                            .as(why + ": void only after a refund or dispute")
                            .isTrue();
                }
            }
        }
        for (Account referrer : referrers) {
            var perMonth = jdbc.queryForList(
                    "select count(*) from referrals where referrer_workspace_id = ? and status in ('REWARDED',"
                            + " 'REVERSED') group by year(settled_at), month(settled_at)",
                    Long.class,
                    referrer.workspaceId());
            assertThat(perMonth).as(why).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(2));
        }
    }
}
