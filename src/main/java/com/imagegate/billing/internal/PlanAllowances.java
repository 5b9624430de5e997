package com.imagegate.billing.internal;

import com.imagegate.Ids;
import com.imagegate.billing.Catalog;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.credits.LotSource;
import com.imagegate.credits.WriteOff;
import com.stripe.model.Invoice;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Plan allowances as entitlements of one billing period: a workspace holds at most one live allowance lot per
 * subscription. Runs inside the webhook's transaction, under the workspace's billing lock.
 *
 * <ul>
 *   <li>A period is keyed by (subscription, period end), so it is granted once however many invoices, retries or
 *       replays arrive: the period's entitlement never exceeds the allowance of the largest plan paid for in it.
 *   <li>A new period's allowance replaces the previous one: the old lot's remainder is written off ({@code
 *       PLAN_CHANGE}, referenced by the new invoice).
 *   <li>An upgrade adds to the period: the period's lot is replaced by one holding its remainder plus what the upgrade
 *       invoice paid for.
 * </ul>
 */
@Component
class PlanAllowances {

    private final BillingStore store;
    private final Credits credits;
    private final Catalog catalog;

    PlanAllowances(BillingStore store, Credits credits, Catalog catalog) {
        this.store = store;
        this.credits = credits;
        this.catalog = catalog;
    }

    /** Grants what a paid invoice's claim is still owed; returns the outcome for the event log. */
    String grant(
            String workspaceId,
            String subscriptionId,
            Invoice invoice,
            String paymentIntent,
            InvoiceCredits.Claim claim,
            Instant now) {
        String invoiceId = invoice.getId();
        if (store.paymentExists(invoiceId)) {
            return "invoice " + invoiceId + " was granted already";
        }
        if (!claim.periodEnd().isAfter(now)) {
            recordPayment(workspaceId, invoice, paymentIntent, claim, 0, now);
            return "the invoice's period is over; no allowance granted";
        }
        store.lockWorkspace(workspaceId);
        List<BillingStore.PeriodRow> periods = store.lockPeriods(subscriptionId);
        Optional<BillingStore.PeriodRow> period = periods.stream()
                .filter(row -> row.periodEnd().equals(claim.periodEnd()))
                .findFirst();
        if (period.isEmpty() && periods.stream().anyMatch(row -> row.periodEnd().isAfter(claim.periodEnd()))) {
            recordPayment(workspaceId, invoice, paymentIntent, claim, 0, now);
            return "a later period of " + subscriptionId + " is granted already; nothing granted";
        }
        long entitled = period.map(BillingStore.PeriodRow::entitled).orElse(0L);
        long ceiling = period.map(BillingStore.PeriodRow::ceiling).orElse(0L);
        long granted = InvoiceCredits.grantable(claim, entitled, ceiling);
        String plan = claim.ceiling() >= ceiling ? claim.plan() : period.get().plan();
        recordPayment(workspaceId, invoice, paymentIntent, claim, granted, now);
        if (granted == 0) {
            return "period ending " + claim.periodEnd() + " holds its whole allowance already; nothing granted";
        }
        String name = catalog.subscription(claim.plan()).map(p -> p.name()).orElse(claim.plan());
        String reference = "stripe:" + invoiceId;
        // The lots this grant replaces: earlier periods' and (an upgrade) this period's own.
        long carried = 0;
        for (BillingStore.PeriodRow row : periods) {
            if (row.lotReference() == null || row.periodEnd().isAfter(claim.periodEnd())) {
                continue;
            }
            boolean same = row.periodEnd().equals(claim.periodEnd());
            Optional<LedgerEntry> off = credits.writeOff(new WriteOff(
                    workspaceId,
                    row.lotReference(),
                    reference + ":replaces:" + row.lotReference(),
                    "stripe",
                    (same ? "upgrade to " + name : "new period of " + name) + ", invoice " + invoiceId
                            + " replaces the allowance of " + row.lotReference()));
            if (same) {
                carried = off.map(entry -> -entry.credits()).orElse(0L);
            }
            if (!same) {
                store.updatePeriod(withLot(row, null), now);
            }
        }
        credits.grant(new Grant(
                workspaceId,
                carried + granted,
                LotSource.PLAN,
                claim.periodEnd(),
                reference,
                "stripe",
                name + " allowance until " + claim.periodEnd() + ", invoice " + invoiceId
                        + (carried > 0 ? " (" + carried + " carried over from this period's earlier allowance)" : "")));
        var updated = new BillingStore.PeriodRow(
                subscriptionId,
                claim.periodEnd(),
                workspaceId,
                period.map(BillingStore.PeriodRow::periodStart).orElse(claim.periodStart()),
                plan,
                Math.max(ceiling, claim.ceiling()),
                entitled + granted,
                reference);
        if (period.isPresent()) {
            store.updatePeriod(updated, now);
        } else {
            store.insertPeriod(updated, now);
        }
        return "granted " + granted + " credits of " + name + " until " + claim.periodEnd()
                + (carried > 0 ? ", " + carried + " carried over" : "");
    }

    /**
     * Records a paid invoice that grants nothing (refused, or for no configured plan), so a refund or dispute of its
     * charge finds it and takes nothing back instead of waiting for it.
     */
    void recordWithoutCredits(String workspaceId, Invoice invoice, String paymentIntent, String plan, Instant now) {
        if (paymentIntent == null || store.paymentExists(invoice.getId())) {
            return;
        }
        store.insertPayment(new BillingStore.PaymentRow(
                Ids.next("pay"),
                workspaceId,
                "PLAN",
                plan == null ? "unknown" : plan,
                invoice.getId(),
                paymentIntent,
                Objects.requireNonNullElse(invoice.getAmountPaid(), 0L),
                Objects.requireNonNullElse(invoice.getCurrency(), "usd"),
                0,
                null,
                invoice.getHostedInvoiceUrl(),
                0,
                0,
                now));
    }

    private void recordPayment(
            String workspaceId,
            Invoice invoice,
            String paymentIntent,
            InvoiceCredits.Claim claim,
            long granted,
            Instant now) {
        store.insertPayment(new BillingStore.PaymentRow(
                Ids.next("pay"),
                workspaceId,
                "PLAN",
                claim.plan(),
                invoice.getId(),
                paymentIntent,
                Objects.requireNonNullElse(invoice.getAmountPaid(), 0L),
                Objects.requireNonNullElse(invoice.getCurrency(), "usd"),
                granted,
                claim.periodEnd(),
                invoice.getHostedInvoiceUrl(),
                0,
                0,
                now));
    }

    private static BillingStore.PeriodRow withLot(BillingStore.PeriodRow row, String lotReference) {
        return new BillingStore.PeriodRow(
                row.subscriptionId(),
                row.periodEnd(),
                row.workspaceId(),
                row.periodStart(),
                row.plan(),
                row.ceiling(),
                row.entitled(),
                lotReference);
    }
}
