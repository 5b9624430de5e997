package com.imagegate.billing.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.account.Accounts;
import com.imagegate.account.Member;
import com.imagegate.account.WorkspaceSummary;
import com.imagegate.billing.Billing;
import com.imagegate.billing.BillingException;
import com.imagegate.billing.BillingException.Reason;
import com.imagegate.billing.BillingFlag;
import com.imagegate.billing.BillingProperties;
import com.imagegate.billing.Catalog;
import com.imagegate.billing.CheckoutState;
import com.imagegate.billing.MoneyMovement;
import com.imagegate.billing.Payment;
import com.imagegate.billing.PlanChange;
import com.imagegate.billing.PlanProperties;
import com.imagegate.billing.PriceMismatch;
import com.stripe.model.checkout.Session;
import com.stripe.param.checkout.SessionCreateParams;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Starting payments on Stripe's hosted pages; what they lead to is written by {@link StripeWebhooks} only. */
@Service
class BillingService implements Billing {

    private static final Logger log = LoggerFactory.getLogger(BillingService.class);

    private final Catalog catalog;
    private final StripeGateway stripe;
    private final BillingStore store;
    private final PriceChecker prices;
    private final Accounts accounts;
    private final ImagegateProperties properties;
    private final BillingProperties.Checkout checkoutSettings;
    private final Clock clock;

    BillingService(
            Catalog catalog,
            StripeGateway stripe,
            BillingStore store,
            PriceChecker prices,
            Accounts accounts,
            ImagegateProperties properties,
            BillingProperties billingProperties,
            Clock clock) {
        this.catalog = catalog;
        this.stripe = stripe;
        this.store = store;
        this.prices = prices;
        this.accounts = accounts;
        this.properties = properties;
        this.checkoutSettings = billingProperties.checkout();
        this.clock = clock;
    }

    @Override
    public Set<String> cardFingerprints(String workspaceId) {
        return store.customerOf(workspaceId).map(stripe::cardFingerprints).orElse(Set.of());
    }

    @Override
    public boolean paymentsConfigured() {
        return catalog.paymentsConfigured();
    }

    @Override
    public URI checkout(Member member, String product) {
        String workspaceId = requireBuyer(member);
        Optional<PlanProperties.Pack> pack = catalog.pack(product);
        Optional<PlanProperties.Subscription> plan = catalog.subscription(product);
        if (pack.isEmpty() && plan.isEmpty()) {
            throw new BillingException(Reason.UNKNOWN_PRODUCT, "There is no plan or pack called \"" + product + "\".");
        }
        if (plan.isPresent()) {
            var live = store.liveSubscriptions(workspaceId);
            if (!live.isEmpty()) {
                throw new BillingException(
                        Reason.ALREADY_SUBSCRIBED,
                        "This workspace has a plan already: change it on the billing page instead of subscribing again.");
            }
        }
        String base = properties.baseUrlString();
        var params = SessionCreateParams.builder()
                .setCustomer(customerOf(member))
                .setClientReferenceId(workspaceId)
                .setSuccessUrl(base + "/app/billing/success?session_id={CHECKOUT_SESSION_ID}")
                .setCancelUrl(base + "/app/billing?canceled=1")
                .putMetadata("workspace_id", workspaceId)
                .putMetadata("product", product);
        String kind;
        try {
            if (pack.isPresent()) {
                kind = "PACK";
                params.setMode(SessionCreateParams.Mode.PAYMENT)
                        .addLineItem(lineItem(pack.get().stripePrice()))
                        .putMetadata("credits", Long.toString(pack.get().credits()))
                        .putMetadata(
                                "validity",
                                pack.get().validity() == null
                                        ? ""
                                        : pack.get().validity().toString())
                        .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder()
                                .putMetadata("workspace_id", workspaceId)
                                .putMetadata("product", product)
                                .build());
                if (checkoutSettings.allowPromotionCodes()) {
                    // A discount lowers what is paid; the credits are the pack's (metadata above), never more.
                    params.setAllowPromotionCodes(true);
                }
            } else {
                kind = "PLAN";
                params.setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                        .addLineItem(lineItem(plan.get().stripePrice()))
                        .setSubscriptionData(SessionCreateParams.SubscriptionData.builder()
                                .putMetadata("workspace_id", workspaceId)
                                .putMetadata("plan", product)
                                .build());
            }
            Session session = stripe.createCheckout(params.build());
            store.insertCheckout(session.getId(), workspaceId, kind, product, member.userId(), clock.instant());
            return URI.create(session.getUrl());
        } catch (StripeGateway.StripeCallException e) {
            throw unavailable(e);
        }
    }

    @Override
    public URI portal(Member member) {
        requireConfigured();
        requireManager(member);
        String customer = store.customerOf(member.workspace().id())
                .orElseThrow(() -> new BillingException(
                        Reason.NO_CUSTOMER, "There is nothing to manage yet: this workspace has bought nothing."));
        try {
            return URI.create(stripe.portalUrl(customer, properties.baseUrlString() + "/app/billing"));
        } catch (StripeGateway.StripeCallException e) {
            throw unavailable(e);
        }
    }

    /** How old a plan-change quote may be when it is confirmed. */
    static final Duration QUOTE_VALIDITY = Duration.ofMinutes(15);

    @Override
    public PlanChange previewPlanChange(Member member, String planId) {
        return planChange(member, planId, clock.instant().getEpochSecond(), false);
    }

    @Override
    public PlanChange changePlan(Member member, String planId, Long quotedAt) {
        long now = clock.instant().getEpochSecond();
        if (quotedAt != null && (quotedAt > now || quotedAt < now - QUOTE_VALIDITY.toSeconds())) {
            throw new BillingException(
                    Reason.QUOTE_EXPIRED, "That quote has expired. Review the change again to see today's price.");
        }
        return planChange(member, planId, quotedAt == null ? now : quotedAt, true);
    }

    private PlanChange planChange(Member member, String planId, long prorationDate, boolean apply) {
        String workspaceId = requireBuyer(member);
        var plan = catalog.subscription(planId)
                .orElseThrow(() ->
                        new BillingException(Reason.UNKNOWN_PRODUCT, "There is no plan called \"" + planId + "\"."));
        var live = store.liveSubscriptions(workspaceId).stream()
                .findFirst()
                .orElseThrow(() -> new BillingException(
                        Reason.NO_SUBSCRIPTION, "This workspace has no plan to change: subscribe first."));
        var current = catalog.subscription(live.plan())
                .orElseThrow(() -> new BillingException(
                        Reason.NO_SUBSCRIPTION, "This workspace's plan is not in the catalog; contact support."));
        try {
            var subscription = stripe.subscription(live.id());
            var state = SubscriptionState.of(subscription, catalog, stripe);
            if (!"active".equals(state.status()) && !"trialing".equals(state.status())) {
                throw new BillingException(
                        Reason.PAYMENT_FAILED,
                        "The last payment for this plan failed: pay the open invoice before changing plans.");
            }
            String itemId = SubscriptionState.itemId(subscription);
            if (planId.equals(state.plan())) {
                if (state.schedule() == null) {
                    throw new BillingException(
                            Reason.ALREADY_SUBSCRIBED, "This workspace is on " + plan.name() + " already.");
                }
                var keep = new PlanChange(
                        planId,
                        plan.name(),
                        PlanChange.Kind.KEEP,
                        0,
                        plan.currency(),
                        0,
                        null,
                        plan.priceCents(),
                        prorationDate);
                if (apply) {
                    stripe.releaseSchedule(state.schedule());
                    store.saveSubscription(
                            SubscriptionState.of(stripe.subscription(live.id()), catalog, stripe),
                            workspaceId,
                            clock.instant());
                    store.scheduledPlan(live.id(), null);
                }
                return keep;
            }
            if (plan.priceCents() > current.priceCents()) {
                String customer = store.customerOf(workspaceId).orElse(subscription.getCustomer());
                var quote = stripe.previewUpgrade(
                        customer, live.id(), itemId, stripe.priceId(plan.stripePrice()), prorationDate);
                long due = Objects.requireNonNullElse(quote.getAmountDue(), 0L);
                long untaxed = Math.min(due, Objects.requireNonNullElse(quote.getTotalExcludingTax(), due));
                var change = new PlanChange(
                        planId,
                        plan.name(),
                        PlanChange.Kind.UPGRADE,
                        due,
                        Objects.requireNonNullElse(quote.getCurrency(), plan.currency()),
                        Math.min(
                                InvoiceCredits.share(
                                        plan.creditsPerPeriod() - current.creditsPerPeriod(),
                                        untaxed,
                                        plan.priceCents() - current.priceCents()),
                                InvoiceCredits.share(plan.creditsPerPeriod(), untaxed, plan.priceCents())),
                        Instant.ofEpochSecond(prorationDate),
                        plan.priceCents(),
                        prorationDate);
                if (apply) {
                    if (state.schedule() != null) {
                        stripe.releaseSchedule(state.schedule());
                    }
                    var changed = stripe.upgrade(live.id(), itemId, stripe.priceId(plan.stripePrice()), prorationDate);
                    store.saveSubscription(
                            SubscriptionState.of(changed, catalog, stripe), workspaceId, clock.instant());
                    store.scheduledPlan(live.id(), null);
                    if (changed.getPendingUpdate() != null) {
                        throw new BillingException(
                                Reason.PAYMENT_FAILED,
                                "Stripe could not charge the difference, so your plan was not changed. Update your card"
                                        + " under “Manage billing” and try again.");
                    }
                }
                return change;
            }
            var change = new PlanChange(
                    planId,
                    plan.name(),
                    PlanChange.Kind.DOWNGRADE,
                    0,
                    plan.currency(),
                    0,
                    state.periodEnd(),
                    plan.priceCents(),
                    prorationDate);
            if (apply) {
                stripe.scheduleChange(
                        live.id(),
                        state.schedule(),
                        stripe.priceId(current.stripePrice()),
                        state.periodStart().getEpochSecond(),
                        state.periodEnd().getEpochSecond(),
                        stripe.priceId(plan.stripePrice()));
                store.saveSubscription(
                        SubscriptionState.of(stripe.subscription(live.id()), catalog, stripe),
                        workspaceId,
                        clock.instant());
                store.scheduledPlan(live.id(), planId);
            }
            return change;
        } catch (StripeGateway.StripeCallException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void cancelAtPeriodEnd(Member member, boolean cancel) {
        String workspaceId = cancel ? requireManagerOf(member) : requireBuyer(member);
        var live = store.liveSubscriptions(workspaceId).stream()
                .findFirst()
                .orElseThrow(() -> new BillingException(Reason.NO_SUBSCRIPTION, "This workspace has no plan."));
        try {
            var subscription = stripe.subscription(live.id());
            if (subscription.getSchedule() != null) {
                stripe.releaseSchedule(subscription.getSchedule());
            }
            var changed = stripe.cancelAtPeriodEnd(live.id(), cancel);
            store.saveSubscription(SubscriptionState.of(changed, catalog, stripe), workspaceId, clock.instant());
            store.scheduledPlan(live.id(), null);
        } catch (StripeGateway.StripeCallException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<CheckoutState> checkoutState(String workspaceId, String sessionId) {
        if (sessionId == null) {
            return Optional.empty();
        }
        return store.checkout(workspaceId, sessionId).map(row -> switch (row.status()) {
            case "PAID" -> CheckoutState.COMPLETED;
            case "FAILED" -> CheckoutState.FAILED;
            default -> CheckoutState.WAITING;
        });
    }

    @Override
    public List<Revenue> revenue(Instant from, Instant to) {
        return store.revenue(from, to);
    }

    @Override
    public List<MoneyMovement> moneyMovements(Instant from, Instant to) {
        return store.moneyMovements(from, to);
    }

    @Override
    public List<Payment> payments(String workspaceId, int limit) {
        return store.payments(workspaceId, Math.max(1, Math.min(limit, 200))).stream()
                .map(row -> new Payment(
                        row.id(),
                        row.kind(),
                        row.product(),
                        productName(row.kind(), row.product()),
                        row.amountCents(),
                        row.currency(),
                        row.credits(),
                        row.expiresAt(),
                        row.invoiceUrl(),
                        row.reclaimed(),
                        row.reclaimAsked() - row.reclaimed(),
                        row.createdAt()))
                .toList();
    }

    @Override
    public boolean purchasesSuspended(String workspaceId) {
        return store.openDispute(workspaceId);
    }

    @Override
    public List<BillingFlag> flags(String workspaceId) {
        return store.openFlags(workspaceId);
    }

    @Override
    public List<BillingFlag> openFlags() {
        return store.openFlags();
    }

    @Override
    @Transactional
    public Optional<BillingFlag> resolveFlag(String flagId) {
        var open = store.openFlags().stream().filter(f -> f.id().equals(flagId)).findFirst();
        if (open.isPresent() && store.resolveFlag(flagId, clock.instant()) == 1) {
            return open;
        }
        return Optional.empty();
    }

    @Override
    public List<PriceMismatch> priceMismatches() {
        return prices.last();
    }

    @Override
    public List<PriceMismatch> checkPrices() {
        requireConfigured();
        return prices.check();
    }

    private String productName(String kind, String product) {
        return ("PACK".equals(kind) || "TOPUP".equals(kind)
                        ? catalog.pack(product).map(PlanProperties.Pack::name)
                        : catalog.subscription(product).map(PlanProperties.Subscription::name))
                .orElse(product);
    }

    private SessionCreateParams.LineItem lineItem(String configuredPrice) {
        return SessionCreateParams.LineItem.builder()
                .setPrice(stripe.priceId(configuredPrice))
                .setQuantity(1L)
                .build();
    }

    /** A new Stripe Customer on the workspace's first purchase, with its id in the metadata; the same one after. */
    private String customerOf(Member member) {
        String workspaceId = member.workspace().id();
        return store.customerOf(workspaceId).orElseGet(() -> {
            try {
                String created =
                        stripe.createCustomer(workspaceId, member.workspace().name(), member.email());
                return store.saveCustomer(workspaceId, created, clock.instant());
            } catch (StripeGateway.StripeCallException e) {
                throw unavailable(e);
            }
        });
    }

    /** Cancelling needs no purchase rights beyond managing the workspace: a suspended workspace may still cancel. */
    private String requireManagerOf(Member member) {
        requireConfigured();
        requireManager(member);
        return member.workspace().id();
    }

    private String requireBuyer(Member member) {
        requireConfigured();
        requireManager(member);
        String workspaceId = member.workspace().id();
        boolean suspended =
                accounts.workspace(workspaceId).map(WorkspaceSummary::suspended).orElse(true);
        if (suspended || store.openDispute(workspaceId)) {
            throw new BillingException(
                    Reason.PURCHASES_SUSPENDED,
                    "Purchases are suspended for this workspace while a payment dispute is reviewed. Contact support.");
        }
        return workspaceId;
    }

    private void requireConfigured() {
        if (!catalog.paymentsConfigured()) {
            throw new BillingException(Reason.NOT_CONFIGURED, "Payments are not configured on this server.");
        }
    }

    private static void requireManager(Member member) {
        if (!member.canManageWorkspace()) {
            throw new BillingException(
                    Reason.FORBIDDEN, "Only owners and admins of this workspace can buy credits and plans.");
        }
    }

    private static BillingException unavailable(StripeGateway.StripeCallException e) {
        log.warn("Stripe call failed: {}", e.getMessage());
        return new BillingException(
                Reason.STRIPE_UNAVAILABLE, "Stripe could not be reached just now. Nothing was charged; try again.", e);
    }
}
