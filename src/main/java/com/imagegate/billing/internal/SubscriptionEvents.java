package com.imagegate.billing.internal;

import com.imagegate.billing.Catalog;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.InvoicePayment;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * {@code invoice.paid}, {@code invoice.payment_failed} and {@code customer.subscription.*}: the subscription recorded as
 * Stripe has it, a paid invoice's plan credits decided by {@link InvoiceCredits} and granted by {@link PlanAllowances},
 * a failed renewal shown to the customer.
 */
@Component
class SubscriptionEvents {

    private final StripeGateway stripe;
    private final BillingStore store;
    private final Catalog catalog;
    private final StripeWorkspaces workspaces;
    private final PlanAllowances allowances;
    private final Clock clock;

    SubscriptionEvents(
            StripeGateway stripe,
            BillingStore store,
            Catalog catalog,
            StripeWorkspaces workspaces,
            PlanAllowances allowances,
            Clock clock) {
        this.stripe = stripe;
        this.store = store;
        this.catalog = catalog;
        this.workspaces = workspaces;
        this.allowances = allowances;
        this.clock = clock;
    }

    /** A subscription's invoice as re-read from Stripe, with its subscription and workspace. */
    private record SubscriptionInvoice(
            Invoice invoice, String subscriptionId, SubscriptionState state, String workspaceId) {}

    /** Reads the invoice and goes on with it, or does nothing when it is no subscription invoice of a workspace here. */
    private EventStep withInvoice(String invoiceId, Function<SubscriptionInvoice, EventStep> then) {
        Invoice invoice = stripe.invoice(invoiceId);
        String subscriptionId = subscriptionOf(invoice);
        if (subscriptionId == null) {
            return EventStep.nothing("not a subscription invoice");
        }
        SubscriptionState state = SubscriptionState.of(stripe.subscription(subscriptionId), catalog, stripe);
        Optional<String> workspace = workspaces.ofCustomer(invoice.getCustomer());
        if (workspace.isEmpty()) {
            return EventStep.nothing("no workspace for customer " + invoice.getCustomer());
        }
        return then.apply(new SubscriptionInvoice(invoice, subscriptionId, state, workspace.get()));
    }

    EventStep invoicePaid(String invoiceId) {
        return withInvoice(invoiceId, read -> {
            Invoice invoice = read.invoice();
            String workspaceId = read.workspaceId();
            InvoiceCredits.Outcome outcome = InvoiceCredits.claim(facts(invoice), catalog.subscriptionsById());
            String paymentIntent = paymentIntentOf(invoice);
            return new EventStep(workspaceId, () -> {
                Instant now = clock.instant();
                store.saveSubscription(read.state(), workspaceId, now);
                if (!"paid".equals(invoice.getStatus())) {
                    return "invoice is " + invoice.getStatus() + "; nothing granted";
                }
                store.paymentSucceeded(read.subscriptionId());
                store.planCheckoutsPaid(workspaceId, now);
                if (outcome instanceof InvoiceCredits.Refusal refusal) {
                    store.flag(workspaceId, refusal.flag(), "invoice:" + invoiceId, refusal.detail(), now);
                    allowances.recordWithoutCredits(
                            workspaceId, invoice, paymentIntent, read.state().plan(), now);
                    return refusal.detail();
                }
                return allowances.grant(
                        workspaceId,
                        read.subscriptionId(),
                        invoice,
                        paymentIntent,
                        (InvoiceCredits.Claim) outcome,
                        now);
            });
        });
    }

    /** The invoice as {@link InvoiceCredits} reads it: its reason, the money paid (no tax, no balance) and lines. */
    private InvoiceCredits.Invoice facts(Invoice invoice) {
        long paid = Objects.requireNonNullElse(invoice.getAmountPaid(), 0L);
        long offStripe = Objects.requireNonNullElse(invoice.getAmountPaidOffStripe(), 0L);
        long total = Objects.requireNonNullElse(invoice.getTotal(), 0L);
        long tax = invoice.getTotalExcludingTax() == null ? 0 : Math.max(0, total - invoice.getTotalExcludingTax());
        List<InvoiceCredits.Line> lines = new ArrayList<>();
        if (invoice.getLines() != null && invoice.getLines().getData() != null) {
            for (InvoiceLineItem line : invoice.getLines().getData()) {
                String price = line.getPricing() == null || line.getPricing().getPriceDetails() == null
                        ? null
                        : line.getPricing().getPriceDetails().getPrice();
                boolean proration = line.getParent() != null
                        && line.getParent().getSubscriptionItemDetails() != null
                        && Boolean.TRUE.equals(
                                line.getParent().getSubscriptionItemDetails().getProration());
                lines.add(new InvoiceCredits.Line(
                        price == null ? null : SubscriptionState.planOfPriceId(price, catalog, stripe),
                        Objects.requireNonNullElse(line.getAmount(), 0L),
                        proration,
                        line.getPeriod() == null || line.getPeriod().getStart() == null
                                ? null
                                : Instant.ofEpochSecond(line.getPeriod().getStart()),
                        line.getPeriod() == null || line.getPeriod().getEnd() == null
                                ? null
                                : Instant.ofEpochSecond(line.getPeriod().getEnd())));
            }
        }
        return new InvoiceCredits.Invoice(
                invoice.getId(), invoice.getBillingReason(), Math.max(0, paid - offStripe - tax), lines);
    }

    EventStep invoicePaymentFailed(String invoiceId) {
        return withInvoice(
                invoiceId,
                read -> new EventStep(read.workspaceId(), () -> {
                    Instant now = clock.instant();
                    store.saveSubscription(read.state(), read.workspaceId(), now);
                    if ("paid".equals(read.invoice().getStatus())) {
                        return "invoice was paid meanwhile";
                    }
                    if ("subscription_update".equals(read.invoice().getBillingReason())) {
                        return "an upgrade's payment failed; the plan stays as it was";
                    }
                    store.paymentFailed(read.subscriptionId(), read.invoice().getHostedInvoiceUrl(), now);
                    return "renewal payment failed; subscription is "
                            + read.state().status();
                }));
    }

    EventStep subscriptionChanged(String subscriptionId) {
        SubscriptionState state = SubscriptionState.of(stripe.subscription(subscriptionId), catalog, stripe);
        Optional<String> workspace = workspaces.ofCustomer(state.customer());
        if (workspace.isEmpty()) {
            return EventStep.nothing("no workspace for customer " + state.customer());
        }
        return new EventStep(workspace.get(), () -> {
            store.saveSubscription(state, workspace.get(), clock.instant());
            return "subscription " + subscriptionId + " is " + state.status() + " on plan " + state.plan()
                    + (state.cancelAtPeriodEnd() ? ", ending at " + state.periodEnd() : "");
        });
    }

    private static String subscriptionOf(Invoice invoice) {
        if (invoice.getParent() == null || invoice.getParent().getSubscriptionDetails() == null) {
            return null;
        }
        return invoice.getParent().getSubscriptionDetails().getSubscription();
    }

    private static String paymentIntentOf(Invoice invoice) {
        if (invoice.getPayments() == null || invoice.getPayments().getData() == null) {
            return null;
        }
        for (InvoicePayment payment : invoice.getPayments().getData()) {
            if (payment.getPayment() != null && payment.getPayment().getPaymentIntent() != null) {
                return payment.getPayment().getPaymentIntent();
            }
        }
        return null;
    }
}
