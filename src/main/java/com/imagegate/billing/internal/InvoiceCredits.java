package com.imagegate.billing.internal;

import com.imagegate.billing.PlanProperties;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a paid subscription invoice is worth in plan credits: pure arithmetic over what Stripe says the invoice is, no
 * I/O. Every credit it grants is bought with money at the rate of a plan in the catalog, so no sequence of invoices
 * (upgrades, downgrades, refunds to the customer's balance, invoices paid from that balance) can grant more credits
 * than the money paid buys.
 *
 * <ul>
 *   <li>{@code subscription_create}, {@code subscription_cycle}, and a {@code subscription_update} that restarted the
 *       period ({@code billing_cycle_anchor=now}, as a customer portal may do): a new period. Its plan's allowance, in proportion to
 *       the money paid when that is less than the plan's price (part paid from the customer's balance).
 *   <li>{@code subscription_update}: an upgrade within the period. What the prorated charge buys at the new plan's
 *       rate, {@code A2 × paid / P2}, and never more than the difference of the allowances in proportion, {@code (A2 −
 *       A1) × paid / (P2 − P1)}. So every payment, on its own, buys credits at no better rate than its plan's: a refund
 *       or dispute of any one payment takes back that payment's share and the rest stays covered by the money kept.
 *   <li>Anything else ({@code manual}, {@code subscription_threshold}, a downgrade's proration, an invoice paid with
 *       no money): nothing, with a reason for the admins.
 * </ul>
 */
final class InvoiceCredits {

    private InvoiceCredits() {}

    /** One line of an invoice, as far as it matters here; {@code plan} is null for a price that is no plan. */
    record Line(String plan, long amount, boolean proration, Instant periodStart, Instant periodEnd) {}

    /**
     * A paid invoice of a subscription. {@code moneyPaid} is what was paid with money, without tax: the customer's
     * credit balance is not money here (it is what Stripe gave back for unused time).
     */
    record Invoice(String id, String billingReason, long moneyPaid, List<Line> lines) {}

    /** What the invoice may grant to the period ending at {@code periodEnd}, and the most that period may hold. */
    record Claim(String plan, Instant periodStart, Instant periodEnd, long credits, long ceiling, boolean newPeriod)
            implements Outcome {}

    /** The invoice grants nothing; {@code flag} and {@code detail} tell the admins why. */
    record Refusal(String flag, String detail) implements Outcome {}

    sealed interface Outcome permits Claim, Refusal {}

    static Outcome claim(Invoice invoice, Map<String, PlanProperties.Subscription> plans) {
        String reason = invoice.billingReason() == null ? "(none)" : invoice.billingReason();
        if (invoice.moneyPaid() <= 0) {
            return new Refusal(
                    "UNPAID_INVOICE",
                    "Invoice " + invoice.id() + " (" + reason + ") was settled without money (customer balance,"
                            + " discount or a zero total); no credits granted");
        }
        return switch (reason) {
            case "subscription_create", "subscription_cycle" -> newPeriod(invoice, plans);
            case "subscription_update" ->
                // A change that restarted the period (billing_cycle_anchor=now) bills the new period in full.
                invoice.lines().stream().anyMatch(line -> !line.proration() && line.amount() > 0)
                        ? newPeriod(invoice, plans)
                        : upgrade(invoice, plans);
            default ->
                new Refusal(
                        "UNEXPECTED_INVOICE",
                        "Invoice " + invoice.id() + " has billing_reason " + reason
                                + ", which grants no plan credits; grant by hand if it should");
        };
    }

    private static Outcome newPeriod(Invoice invoice, Map<String, PlanProperties.Subscription> plans) {
        Optional<Line> main = invoice.lines().stream()
                .filter(line -> !line.proration() && line.amount() > 0 && line.periodEnd() != null)
                .max(Comparator.comparing(Line::periodEnd));
        if (main.isEmpty()
                || main.get().plan() == null
                || !plans.containsKey(main.get().plan())) {
            return new Refusal(
                    "UNKNOWN_PRICE",
                    "Paid invoice " + invoice.id() + " is for a price that is no configured plan; no credits granted");
        }
        PlanProperties.Subscription plan = plans.get(main.get().plan());
        long credits = share(plan.creditsPerPeriod(), invoice.moneyPaid(), plan.priceCents());
        return new Claim(
                main.get().plan(),
                main.get().periodStart(),
                main.get().periodEnd(),
                credits,
                plan.creditsPerPeriod(),
                true);
    }

    private static Outcome upgrade(Invoice invoice, Map<String, PlanProperties.Subscription> plans) {
        Optional<Line> up = invoice.lines().stream()
                .filter(line -> line.proration() && line.amount() > 0 && line.periodEnd() != null)
                .filter(line -> line.plan() != null && plans.containsKey(line.plan()))
                .max(Comparator.comparing(Line::periodEnd));
        if (up.isEmpty()) {
            return new Refusal(
                    "UNEXPECTED_INVOICE",
                    "Invoice " + invoice.id() + " (subscription_update) charges no configured plan's prorated time;"
                            + " no credits granted");
        }
        PlanProperties.Subscription to = plans.get(up.get().plan());
        Optional<PlanProperties.Subscription> from = invoice.lines().stream()
                .filter(line -> line.proration() && line.amount() < 0 && line.plan() != null)
                .map(line -> plans.get(line.plan()))
                .filter(Objects::nonNull)
                .findFirst();
        long fromCredits =
                from.map(PlanProperties.Subscription::creditsPerPeriod).orElse(0L);
        long fromPrice = from.map(PlanProperties.Subscription::priceCents).orElse(0L);
        long moreCredits = to.creditsPerPeriod() - fromCredits;
        long morePrice = to.priceCents() - fromPrice;
        if (moreCredits <= 0 || morePrice <= 0) {
            return new Refusal(
                    "UNEXPECTED_INVOICE",
                    "Invoice " + invoice.id() + " charges for a change to "
                            + up.get().plan() + ", which is no upgrade; no credits granted");
        }
        return new Claim(
                up.get().plan(),
                up.get().periodStart(),
                up.get().periodEnd(),
                Math.min(
                        share(moreCredits, invoice.moneyPaid(), morePrice),
                        share(to.creditsPerPeriod(), invoice.moneyPaid(), to.priceCents())),
                to.creditsPerPeriod(),
                false);
    }

    /** {@code floor(credits × min(paid, price) / price)}, exact for any sizes. */
    static long share(long credits, long paid, long price) {
        if (price <= 0) {
            return 0;
        }
        return BigInteger.valueOf(credits)
                .multiply(BigInteger.valueOf(Math.min(paid, price)))
                .divide(BigInteger.valueOf(price))
                .longValueExact();
    }

    /**
     * How many of a claim's credits the period can still take: the period never holds more than the allowance of the
     * largest plan paid for in it.
     */
    static long grantable(Claim claim, long alreadyEntitled, long periodCeiling) {
        long ceiling = Math.max(claim.ceiling(), periodCeiling);
        return Math.max(0, Math.min(claim.credits(), ceiling - alreadyEntitled));
    }
}
