package com.imagegate.billing.internal;

import com.imagegate.billing.PaymentReversed;
import com.imagegate.credits.Clawback;
import com.imagegate.credits.Credits;
import com.imagegate.credits.LedgerEntry;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * {@code charge.refunded} and {@code charge.dispute.created}: the refunded or disputed share of a payment's credits
 * taken back once ({@link #reclaimShare}), what was already spent recorded as a shortfall, a dispute flagged (which
 * suspends purchases).
 */
@Component
class RefundEvents {

    private final StripeGateway stripe;
    private final BillingStore store;
    private final Credits credits;
    private final StripeWorkspaces workspaces;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    RefundEvents(
            StripeGateway stripe,
            BillingStore store,
            Credits credits,
            StripeWorkspaces workspaces,
            Clock clock,
            ApplicationEventPublisher events) {
        this.events = events;
        this.stripe = stripe;
        this.store = store;
        this.credits = credits;
        this.workspaces = workspaces;
        this.clock = clock;
    }

    EventStep chargeRefunded(String chargeId) {
        Charge charge = stripe.charge(chargeId);
        String paymentIntent = charge.getPaymentIntent();
        Optional<String> workspace = Optional.ofNullable(paymentIntent)
                .flatMap(store::workspaceOfPaymentIntent)
                .or(() -> workspaces.ofCustomer(charge.getCustomer()));
        if (workspace.isEmpty()) {
            return EventStep.nothing("not a charge of a workspace here");
        }
        if (paymentIntent == null
                || store.workspaceOfPaymentIntent(paymentIntent).isEmpty()) {
            throw new RetryLater("the payment of charge " + chargeId + " is not recorded yet");
        }
        long refunded = Objects.requireNonNullElse(charge.getAmountRefunded(), 0L);
        return new EventStep(
                workspace.get(),
                () -> reclaim(
                        workspace.get(),
                        paymentIntent,
                        refunded,
                        "stripe:" + chargeId + ":refunded:" + refunded,
                        "refund of charge " + chargeId,
                        "REFUND"));
    }

    EventStep disputeCreated(String disputeId) {
        Dispute dispute = stripe.dispute(disputeId);
        String paymentIntent = dispute.getPaymentIntent();
        Optional<String> workspace = Optional.ofNullable(paymentIntent)
                .flatMap(store::workspaceOfPaymentIntent)
                .or(() -> dispute.getCharge() == null
                        ? Optional.empty()
                        : workspaces.ofCustomer(
                                stripe.charge(dispute.getCharge()).getCustomer()));
        if (workspace.isEmpty()) {
            return EventStep.nothing("not a charge of a workspace here");
        }
        String workspaceId = workspace.get();
        if (paymentIntent != null
                && store.workspaceOfPaymentIntent(paymentIntent).isEmpty()) {
            // The dispute came before the payment's own event: take the credits back once that is recorded.
            throw new RetryLater("the payment of dispute " + disputeId + " is not recorded yet");
        }
        long amount = Objects.requireNonNullElse(dispute.getAmount(), 0L);
        return new EventStep(workspaceId, () -> {
            store.flag(
                    workspaceId,
                    "DISPUTE",
                    disputeId,
                    "Charge " + dispute.getCharge() + " disputed (" + dispute.getReason() + "), " + amount
                            + " cents; purchases suspended",
                    clock.instant());
            String reclaimed = paymentIntent != null
                            && store.workspaceOfPaymentIntent(paymentIntent).isPresent()
                    ? reclaim(
                            workspaceId,
                            paymentIntent,
                            amount,
                            "stripe:" + disputeId,
                            "dispute " + disputeId,
                            "DISPUTE")
                    : "no credits of this charge recorded";
            return "dispute flagged, purchases suspended; " + reclaimed;
        });
    }

    /**
     * Takes back the share of a payment's credits that {@code amountCents} (refunded or disputed, cumulative) is of
     * its amount, as far as it was not taken back already and as far as the workspace still has spendable credits. What
     * was already spent is recorded as the payment's shortfall and flagged for admins. The money itself is recorded as
     * a reversal of the payment ({@code billing_reversals}).
     */
    private String reclaim(
            String workspaceId,
            String paymentIntent,
            long amountCents,
            String reference,
            String why,
            String reversalKind) {
        BillingStore.PaymentRow payment = store.paymentByIntentForUpdate(paymentIntent)
                .orElseThrow(() -> new RetryLater("payment " + paymentIntent + " not recorded"));
        // The money given back, for the margin page: recorded under the same lock, once per refund amount or dispute.
        store.recordReversal(payment, reversalKind, "money:" + reference, amountCents, clock.instant());
        if (amountCents > 0) {
            events.publishEvent(
                    new PaymentReversed(workspaceId, paymentIntent, why.startsWith("dispute") ? "dispute" : "refund"));
        }
        long share = reclaimShare(payment.credits(), payment.amountCents(), amountCents);
        long target = Math.max(share, payment.reclaimAsked());
        long asked = target - payment.reclaimAsked();
        if (asked <= 0) {
            return "nothing more to take back";
        }
        LedgerEntry entry = credits.clawback(new Clawback(workspaceId, asked, reference, "stripe", why));
        long taken = -entry.credits();
        store.updateReclaim(payment.id(), target, payment.reclaimed() + taken);
        if (taken < asked) {
            store.flag(
                    workspaceId,
                    "REFUND_SHORTFALL",
                    "shortfall:" + reference,
                    (asked - taken) + " of " + asked + " credits to take back after " + why + " had already been spent",
                    clock.instant());
        }
        return "took back " + taken + " of " + asked + " credits";
    }

    /**
     * The credits a refund or dispute of {@code amountCents} (cumulative) takes back of a payment of {@code paidCents}
     * that bought {@code credits}: the same share of the credits as of the money, rounded up, so a refund never leaves
     * a fraction of a credit that no money pays for; never more than the credits. A payment of no money (or a negative
     * amount) is taken back whole.
     */
    static long reclaimShare(long credits, long paidCents, long amountCents) {
        return paidCents <= 0
                ? credits
                : Math.min(
                        credits,
                        Math.ceilDiv(Math.multiplyExact(credits, Math.min(amountCents, paidCents)), paidCents));
    }
}
