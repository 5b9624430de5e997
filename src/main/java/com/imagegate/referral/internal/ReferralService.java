package com.imagegate.referral.internal;

import com.imagegate.Ids;
import com.imagegate.ImagegateProperties;
import com.imagegate.account.Accounts;
import com.imagegate.account.FreeCreditsGranted;
import com.imagegate.account.SignupPolicy;
import com.imagegate.account.UserSignedUp;
import com.imagegate.billing.Billing;
import com.imagegate.billing.PaymentReceived;
import com.imagegate.billing.PaymentReversed;
import com.imagegate.credits.Clawback;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LotSource;
import com.imagegate.referral.ReferralProperties;
import com.imagegate.referral.Referrals;
import com.imagegate.referral.internal.ReferralStore.Referral;
import com.imagegate.referral.internal.ReferralStore.Status;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The referral rules. The listeners run synchronously inside the publisher's transaction (a sign-up, a free-credits
 * grant, a Stripe webhook), so what they write commits with its cause or not at all; each works on the referral row
 * locked, so replays and concurrent events of one referred workspace act one at a time and once.
 */
@Service
class ReferralService implements Referrals {

    private static final Logger log = LoggerFactory.getLogger(ReferralService.class);
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Referrals settled per run of the job at most; the rest on the next run. */
    static final int PAGE = 100;

    private final ReferralStore store;
    private final ReferralProperties properties;
    private final ImagegateProperties imagegate;
    private final Accounts accounts;
    private final Billing billing;
    private final Credits credits;
    private final Clock clock;
    private final TransactionTemplate transaction;

    ReferralService(
            ReferralStore store,
            ReferralProperties properties,
            ImagegateProperties imagegate,
            Accounts accounts,
            Billing billing,
            Credits credits,
            Clock clock,
            PlatformTransactionManager transactions) {
        this.store = store;
        this.properties = properties;
        this.imagegate = imagegate;
        this.accounts = accounts;
        this.billing = billing;
        this.credits = credits;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    @Override
    public boolean enabled() {
        return properties.enabled();
    }

    @Override
    public Optional<ReferralLink> link(String workspaceId) {
        if (!properties.enabled() || workspaceId == null) {
            return Optional.empty();
        }
        String code = store.codeOf(workspaceId).orElseGet(() -> {
            store.saveCode(workspaceId, newCode(), clock.instant());
            return store.codeOf(workspaceId).orElseThrow();
        });
        var figures = store.figures(workspaceId);
        return Optional.of(new ReferralLink(
                code,
                imagegate.baseUrlString() + "/signup?" + PARAMETER + "=" + code,
                figures.signUps(),
                figures.pending(),
                figures.rewarded(),
                figures.creditsEarned(),
                properties.rewardCredits()));
    }

    /** 16 base62 characters from {@link SecureRandom}: about 95 bits, not to be guessed or enumerated. */
    static String newCode() {
        char[] chars = new char[16];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    // --- sign-up: record the referral (or refuse it as the referrer's own account)

    @EventListener
    void on(UserSignedUp signedUp) {
        if (!properties.enabled()) {
            return;
        }
        String code = requestedCode();
        if (code == null) {
            return;
        }
        Optional<String> referrer = store.workspaceOfCode(code);
        if (referrer.isEmpty() || referrer.get().equals(signedUp.personalWorkspaceId())) {
            return;
        }
        String reason = sameMailboxOrNetwork(referrer.get(), signedUp.mailbox(), signedUp.signupIp());
        store.insert(
                new Referral(
                        Ids.next("ref"),
                        referrer.get(),
                        signedUp.personalWorkspaceId(),
                        signedUp.userId(),
                        signedUp.mailbox(),
                        signedUp.signupIp(),
                        reason == null ? Status.SIGNED_UP : Status.REFUSED,
                        reason,
                        0,
                        null,
                        null,
                        null,
                        0,
                        reason == null ? null : signedUp.at()),
                clock.instant());
        log.info(
                "Sign-up {} came through the referral link of {}{}",
                signedUp.userId(),
                referrer.get(),
                reason == null ? "" : " (refused: " + reason + ")");
    }

    /**
     * The referral code the sign-up request carries: the sign-up form's field, else the cookie set when the link was
     * opened (which is what a provider sign-in's callback carries). Null outside a request or when malformed.
     */
    private static String requestedCode() {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
            return null;
        }
        HttpServletRequest request = attributes.getRequest();
        String field = request.getParameter(PARAMETER);
        if (Referrals.wellFormed(field)) {
            return field;
        }
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (COOKIE.equals(cookie.getName()) && Referrals.wellFormed(cookie.getValue())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /** Why the referred account looks like the referrer's own (mailbox, then sign-up network), or null. */
    private String sameMailboxOrNetwork(String referrerWorkspaceId, String mailbox, String signupIp) {
        String network = SignupPolicy.network(signupIp);
        for (var person : accounts.people(referrerWorkspaceId)) {
            if (person.mailbox().equals(mailbox)) {
                return "same mailbox as the referrer";
            }
            if (network != null && network.equals(SignupPolicy.network(person.signupIp()))) {
                return "same sign-up network as the referrer";
            }
        }
        return null;
    }

    // --- the bonus, with the free credits (once per person)

    @EventListener
    void on(FreeCreditsGranted granted) {
        if (!properties.enabled() || properties.bonusCredits() <= 0) {
            return;
        }
        var referral = store.ofReferredForUpdate(granted.personalWorkspaceId());
        if (referral.isEmpty()
                || referral.get().status() == Status.REFUSED
                || referral.get().bonusCredits() > 0) {
            return;
        }
        Instant now = clock.instant();
        var entry = credits.grant(new Grant(
                granted.personalWorkspaceId(),
                properties.bonusCredits(),
                LotSource.REFERRAL,
                now.plus(properties.bonusValidity()),
                "referral-bonus:" + referral.get().id(),
                "system",
                "Referral bonus: signed up through a referral link"));
        store.bonusGranted(referral.get().id(), entry.credits(), now);
    }

    // --- the first paid purchase, and refunds or disputes of it

    @EventListener
    void on(PaymentReceived payment) {
        if (!properties.enabled() || payment.amountCents() <= 0) {
            return;
        }
        var referral = store.ofReferredForUpdate(payment.workspaceId());
        if (referral.isEmpty() || referral.get().status() != Status.SIGNED_UP) {
            return; // not referred, refused, or not its first paid purchase
        }
        store.paid(
                referral.get().id(),
                payment.paymentId(),
                payment.paymentIntent(),
                Objects.requireNonNullElse(payment.at(), clock.instant()),
                clock.instant());
    }

    @EventListener
    void on(PaymentReversed reversed) {
        var found = store.ofReferredForUpdate(reversed.workspaceId());
        if (found.isEmpty()
                || found.get().paymentIntent() == null
                || !found.get().paymentIntent().equals(reversed.paymentIntent())) {
            return;
        }
        Referral referral = found.get();
        String what = "dispute".equals(reversed.reason()) ? "disputed" : "refunded";
        Instant now = clock.instant();
        if (referral.status() == Status.PAID) {
            store.reverse(referral.id(), Status.VOID, "first purchase " + what + " before it cleared", now);
        } else if (referral.status() == Status.REWARDED) {
            if (referral.rewardCredits() > 0) {
                credits.clawback(new Clawback(
                        referral.referrerWorkspaceId(),
                        referral.rewardCredits(),
                        "referral-reversal:" + referral.id(),
                        "system",
                        "Referral reward taken back: the referred purchase was " + what));
            }
            store.reverse(referral.id(), Status.REVERSED, "first purchase " + what + " after it cleared", now);
        }
    }

    // --- clearing: the reward

    /** Settles every referral whose first paid purchase has waited out the hold period. */
    int settleDue() {
        if (!properties.enabled()) {
            return 0;
        }
        List<String> due = store.due(clock.instant().minus(properties.holdPeriod()), PAGE);
        int settled = 0;
        for (String id : due) {
            try {
                settle(id);
                settled++;
            } catch (RuntimeException e) {
                // Stripe unreachable, most likely: the referral stays due and the next run tries again.
                log.warn("Referral {} not settled yet: {}", id, e.getMessage());
            }
        }
        return settled;
    }

    private void settle(String id) {
        Referral seen = store.byId(id, false).orElseThrow();
        // Stripe is read before the transaction (no row lock held over a network call).
        Set<String> sharedCards = new HashSet<>(billing.cardFingerprints(seen.referrerWorkspaceId()));
        sharedCards.retainAll(billing.cardFingerprints(seen.referredWorkspaceId()));
        transaction.executeWithoutResult(status -> {
            store.lockReferrer(seen.referrerWorkspaceId());
            Referral referral = store.byId(id, true).orElseThrow();
            Instant now = clock.instant();
            if (referral.status() != Status.PAID || referral.paidAt().isAfter(now.minus(properties.holdPeriod()))) {
                return; // settled meanwhile, or voided by a refund or dispute
            }
            String reason = sameMailboxOrNetwork(
                    referral.referrerWorkspaceId(), referral.referredMailbox(), referral.referredIp());
            if (reason == null && !sharedCards.isEmpty()) {
                reason = "paid with a card the referrer paid with";
            }
            if (reason != null) {
                store.settle(id, Status.REFUSED, reason, 0, now);
                log.info("Referral {} refused at clearing: {}", id, reason);
                return;
            }
            YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
            Instant monthStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant monthEnd =
                    month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (properties.maxRewardsPerMonth() > 0
                    && store.rewardsBetween(referral.referrerWorkspaceId(), monthStart, monthEnd)
                            >= properties.maxRewardsPerMonth()) {
                store.settle(id, Status.CAPPED, "the referrer's rewards this month reached the cap", 0, now);
                return;
            }
            long reward = 0;
            if (properties.rewardCredits() > 0) {
                reward = credits.grant(new Grant(
                                referral.referrerWorkspaceId(),
                                properties.rewardCredits(),
                                LotSource.REFERRAL,
                                now.plus(properties.rewardValidity()),
                                "referral:" + id,
                                "system",
                                "Referral reward: a workspace you referred made its first purchase"))
                        .credits();
            }
            store.settle(id, Status.REWARDED, null, reward, now);
            log.info("Referral {} cleared: {} credits to {}", id, reward, referral.referrerWorkspaceId());
        });
    }
}
