package com.imagegate.billing.internal;

import com.imagegate.Ids;
import com.imagegate.ImagegateProperties;
import com.imagegate.account.Accounts;
import com.imagegate.account.Member;
import com.imagegate.account.WorkspaceRole;
import com.imagegate.account.WorkspaceSummary;
import com.imagegate.billing.AutoTopUp;
import com.imagegate.billing.BillingException;
import com.imagegate.billing.BillingException.Reason;
import com.imagegate.billing.Catalog;
import com.imagegate.billing.PlanProperties;
import com.imagegate.billing.TopUpFailed;
import com.imagegate.credits.BalanceAlerts;
import com.imagegate.credits.TopUpTriggers;
import com.stripe.param.checkout.SessionCreateParams;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Automatic top-up: the owners' settings and saved card, and the attempts. Lock order, everywhere: the workspace's
 * {@code billing_topup_settings} row first, then (through credits) its balance row.
 */
@Service
class TopUpService implements AutoTopUp {

    private static final Logger log = LoggerFactory.getLogger(TopUpService.class);

    private final TopUpStore store;
    private final BillingStore billing;
    private final Catalog catalog;
    private final StripeGateway stripe;
    private final TopUpTriggers triggers;
    private final Accounts accounts;
    private final ImagegateProperties properties;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transaction;
    private final Clock clock;

    TopUpService(
            TopUpStore store,
            BillingStore billing,
            Catalog catalog,
            StripeGateway stripe,
            TopUpTriggers triggers,
            Accounts accounts,
            ImagegateProperties properties,
            ApplicationEventPublisher events,
            PlatformTransactionManager transactions,
            Clock clock) {
        this.store = store;
        this.billing = billing;
        this.catalog = catalog;
        this.stripe = stripe;
        this.triggers = triggers;
        this.accounts = accounts;
        this.properties = properties;
        this.events = events;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.clock = clock;
    }

    @Override
    public Settings settings(String workspaceId) {
        var row = store.settings(workspaceId);
        int used = store.charging(workspaceId, month(clock.instant()));
        if (row.isEmpty()) {
            return new Settings(false, null, null, null, false, 0, null, used);
        }
        var s = row.get();
        return new Settings(
                s.enabled() && !s.paused(),
                s.threshold(),
                s.pack(),
                s.monthlyMax(),
                s.paused(),
                s.failuresInRow(),
                s.paymentMethod() == null ? null : new Card(s.cardBrand(), s.cardLast4()),
                used);
    }

    @Override
    public URI saveCard(Member member) {
        String workspaceId = requireOwner(member);
        boolean suspended =
                accounts.workspace(workspaceId).map(WorkspaceSummary::suspended).orElse(true);
        if (suspended || billing.openDispute(workspaceId)) {
            throw new BillingException(
                    Reason.PURCHASES_SUSPENDED,
                    "Purchases are suspended for this workspace while a payment dispute is reviewed. Contact support.");
        }
        String base = properties.baseUrlString();
        try {
            String customer = billing.customerOf(workspaceId)
                    .orElseGet(() -> billing.saveCustomer(
                            workspaceId,
                            stripe.createCustomer(
                                    workspaceId, member.workspace().name(), member.email()),
                            clock.instant()));
            var session = stripe.createCheckout(SessionCreateParams.builder()
                    .setMode(SessionCreateParams.Mode.SETUP)
                    .setCustomer(customer)
                    .addPaymentMethodType(SessionCreateParams.PaymentMethodType.CARD)
                    .setClientReferenceId(workspaceId)
                    .setSuccessUrl(base + "/app/billing?card=saving")
                    .setCancelUrl(base + "/app/billing?canceled=1")
                    .putMetadata("workspace_id", workspaceId)
                    .putMetadata("purpose", "auto_top_up")
                    .setSetupIntentData(SessionCreateParams.SetupIntentData.builder()
                            .putMetadata("workspace_id", workspaceId)
                            .putMetadata("purpose", "auto_top_up")
                            .build())
                    .build());
            return URI.create(session.getUrl());
        } catch (StripeGateway.StripeCallException e) {
            log.warn("Stripe call failed: {}", e.getMessage());
            throw new BillingException(
                    Reason.STRIPE_UNAVAILABLE,
                    "Stripe could not be reached just now. Nothing was saved; try again.",
                    e);
        }
    }

    @Override
    public void removeCard(Member member) {
        String workspaceId = requireOwner(member);
        transaction.executeWithoutResult(status -> {
            store.lockSettings(workspaceId, clock.instant());
            store.removeCard(workspaceId, "user:" + member.userId(), clock.instant());
            removeTrigger(workspaceId);
        });
    }

    @Override
    public Settings save(Member member, Form form) {
        String workspaceId = requireOwner(member);
        Map<String, String> errors = new LinkedHashMap<>();
        Long threshold = null;
        try {
            threshold = BalanceAlerts.parseThreshold(form.threshold());
            if (threshold == null || threshold < 1) {
                errors.put("threshold", "The threshold must be a whole number of credits, at least 1.");
            }
        } catch (IllegalArgumentException invalid) {
            errors.put("threshold", "The threshold must be a whole number of credits, at least 1, like 500.");
        }
        Optional<PlanProperties.Pack> pack =
                catalog.pack(form.pack() == null ? null : form.pack().strip());
        if (pack.isEmpty()) {
            errors.put("pack", "Choose one of the packs listed.");
        }
        Integer monthlyMax = null;
        String max = form.monthlyMax() == null ? "" : form.monthlyMax().strip();
        if (max.matches("\\d{1,3}") && Integer.parseInt(max) >= 1 && Integer.parseInt(max) <= MAX_MONTHLY) {
            monthlyMax = Integer.parseInt(max);
        } else {
            errors.put(
                    "monthlyMax",
                    "The monthly maximum must be a whole number of top-ups from 1 to " + MAX_MONTHLY + ".");
        }
        if (!errors.isEmpty()) {
            throw new InvalidSettings(errors);
        }
        long rule = threshold;
        String packId = form.pack().strip();
        int cap = monthlyMax;
        transaction.executeWithoutResult(status -> {
            Instant now = clock.instant();
            var current = store.lockSettings(workspaceId, now);
            if (form.enabled() && current.paymentMethod() == null) {
                throw new InvalidSettings(
                        Map.of("enabled", "Save a card first: automatic top-up charges the saved card."));
            }
            boolean wasRunning = current.enabled() && !current.paused();
            boolean resume = form.enabled() && !wasRunning; // enabling again resets the failures and the pause
            store.saveRule(
                    workspaceId,
                    form.enabled(),
                    rule,
                    packId,
                    cap,
                    resume ? 0 : current.failuresInRow(),
                    form.enabled() ? false : current.paused(),
                    "user:" + member.userId(),
                    now);
            if (form.enabled()) {
                if (resume) {
                    removeTrigger(workspaceId); // a fresh trigger: already below → a top-up at once
                }
                triggers.set(workspaceId, rule);
            } else {
                removeTrigger(workspaceId);
            }
        });
        return settings(workspaceId);
    }

    @Override
    public List<Attempt> attempts(String workspaceId, int limit) {
        return store.attempts(workspaceId, limit).stream()
                .map(a -> new Attempt(
                        a.id(),
                        a.pack(),
                        catalog.pack(a.pack()).map(PlanProperties.Pack::name).orElse(a.pack()),
                        a.credits(),
                        a.amountCents(),
                        a.currency(),
                        a.status(),
                        a.failureCode(),
                        a.failureMessage(),
                        a.createdAt()))
                .toList();
    }

    // --- the attempt of one crossing (TopUpJob)

    /**
     * The attempt of a crossing: made once (the crossing is unique), under the settings lock, where the monthly
     * maximum is counted; empty when automatic top-up is off or paused now.
     */
    Optional<TopUpStore.AttemptRow> attemptFor(String workspaceId, String crossing) {
        return transaction.execute(status -> {
            Instant now = clock.instant();
            var settings = store.lockSettings(workspaceId, now);
            var existing = store.attemptOfCrossing(crossing);
            if (existing.isPresent()) {
                store.crossingDecided(crossing);
                return existing;
            }
            if (!settings.enabled() || settings.paused() || settings.pack() == null) {
                store.crossingDecided(crossing); // off now: a later enabling makes a crossing of its own
                return Optional.<TopUpStore.AttemptRow>empty();
            }
            var pack = catalog.pack(settings.pack());
            if (pack.isEmpty()) {
                log.error("Auto top-up of {} names pack {}, which is not in the catalog", workspaceId, settings.pack());
                return Optional.<TopUpStore.AttemptRow>empty();
            }
            String month = month(now);
            boolean capped = store.charging(workspaceId, month) >= Objects.requireNonNullElse(settings.monthlyMax(), 0);
            var row = new TopUpStore.AttemptRow(
                    Ids.next("topup"),
                    workspaceId,
                    crossing,
                    month,
                    settings.pack(),
                    pack.get().credits(),
                    pack.get().priceCents(),
                    Objects.requireNonNullElse(pack.get().currency(), "usd"),
                    capped ? "SKIPPED" : "PENDING",
                    null,
                    capped ? "monthly_maximum" : null,
                    capped ? "The monthly maximum of " + settings.monthlyMax() + " top-ups is reached." : null,
                    now);
            store.insertAttempt(row, now);
            store.crossingDecided(crossing);
            return Optional.of(row);
        });
    }

    /** The saved card and the customer to charge, as they are now. */
    Optional<String[]> paymentMethod(String workspaceId) {
        var settings = store.settings(workspaceId);
        var customer = billing.customerOf(workspaceId);
        if (settings.isEmpty() || settings.get().paymentMethod() == null || customer.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new String[] {customer.get(), settings.get().paymentMethod()});
    }

    void recordIntent(String attemptId, String paymentIntent) {
        store.recordIntent(attemptId, paymentIntent, clock.instant());
    }

    /**
     * The attempt failed: recorded once (only a pending attempt fails, so the job's answer and the webhook about the
     * same failure make one failure), the failures in a row counted, auto top-up paused at the third; publishes {@link
     * TopUpFailed} in the same transaction.
     */
    void fail(String attemptId, String reason, String message, String paymentIntent) {
        transaction.executeWithoutResult(status -> failInTransaction(attemptId, reason, message, paymentIntent));
    }

    /** {@link #fail} inside the caller's transaction (a webhook's). */
    boolean failInTransaction(String attemptId, String reason, String message, String paymentIntent) {
        Instant now = clock.instant();
        var attempt = store.attempt(attemptId).orElseThrow();
        var settings = store.lockSettings(attempt.workspaceId(), now);
        var locked = store.lockAttempt(attemptId).orElseThrow();
        if (!"PENDING".equals(locked.status())) {
            return false;
        }
        String sentence = message == null || message.isBlank() ? defaultMessage(reason) : message;
        store.status(attemptId, "FAILED", paymentIntent, reason, sentence, now);
        int failures = settings.failuresInRow() + 1;
        boolean pause = failures >= PAUSE_AFTER_FAILURES && !settings.paused();
        store.failures(attempt.workspaceId(), failures, settings.paused() || pause, now);
        if (pause) {
            removeTrigger(attempt.workspaceId());
        }
        events.publishEvent(new TopUpFailed(
                attempt.workspaceId(), attemptId, attempt.pack(), reason, sentence, failures, pause, now));
        return true;
    }

    /** Auto top-up disabled or paused: no trigger, and its undecided crossings forgotten (never swept). */
    private void removeTrigger(String workspaceId) {
        triggers.remove(workspaceId);
        store.forgetCrossings(workspaceId);
    }

    /** Called inside the transaction that crossed the threshold ({@link TopUpJob}): committed with the crossing. */
    void noteCrossing(String workspaceId, String crossing) {
        store.noteCrossing(crossing, workspaceId, clock.instant());
    }

    /** Undecided crossings older than {@code grace}, of workspaces with auto top-up on: the sweep's page. */
    List<TopUpStore.Crossing> undecidedCrossings(Duration grace, int limit) {
        return store.undecidedCrossings(clock.instant().minus(grace), limit);
    }

    private static String defaultMessage(String reason) {
        return switch (reason) {
            case "card_declined" -> "The card was declined.";
            case "authentication_required" ->
                "The bank asked for the cardholder to authenticate the payment, which cannot happen while nobody is"
                        + " at the checkout.";
            case "no_payment_method" -> "No card is saved for automatic top-up.";
            default -> "The payment did not go through.";
        };
    }

    static String month(Instant instant) {
        return YearMonth.from(instant.atOffset(ZoneOffset.UTC)).toString();
    }

    private String requireOwner(Member member) {
        if (!catalog.paymentsConfigured()) {
            throw new BillingException(Reason.NOT_CONFIGURED, "Payments are not configured on this server.");
        }
        if (member.role() != WorkspaceRole.OWNER) {
            throw new BillingException(
                    Reason.FORBIDDEN, "Only owners of this workspace can set up automatic top-up and its card.");
        }
        return member.workspace().id();
    }
}
