package com.imagegate.billing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.billing.PlanProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan-credit arithmetic of paid invoices, alone: what each billing reason grants and what it refuses. */
class InvoiceCreditsTests {

    static final Map<String, PlanProperties.Subscription> PLANS = Map.of(
            "pro", new PlanProperties.Subscription("Pro", 2900, "usd", 25_000, 60, 8, "price_pro"),
            "max", new PlanProperties.Subscription("Max", 9900, "usd", 100_000, 300, 32, "price_max"));
    static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
    static final Instant END = Instant.parse("2026-12-31T00:00:00Z");
    static final Instant MID = Instant.parse("2026-12-16T00:00:00Z");

    static InvoiceCredits.Line period(String plan, long amount) {
        return new InvoiceCredits.Line(plan, amount, false, START, END);
    }

    static InvoiceCredits.Line proration(String plan, long amount) {
        return new InvoiceCredits.Line(plan, amount, true, MID, END);
    }

    static InvoiceCredits.Outcome claim(String reason, long paid, InvoiceCredits.Line... lines) {
        return InvoiceCredits.claim(new InvoiceCredits.Invoice("in_1", reason, paid, List.of(lines)), PLANS);
    }

    @Test
    void aNewPeriodPaidInFullGrantsThePlansAllowanceForThatPeriod() {
        assertThat(claim("subscription_create", 2900, period("pro", 2900)))
                .isEqualTo(new InvoiceCredits.Claim("pro", START, END, 25_000, 25_000, true));
        assertThat(claim("subscription_cycle", 9900, period("max", 9900)))
                .isEqualTo(new InvoiceCredits.Claim("max", START, END, 100_000, 100_000, true));
    }

    @Test
    void aPeriodPaidPartlyFromTheCustomersBalanceGrantsOnlyWhatTheMoneyBuys() {
        var claim = (InvoiceCredits.Claim) claim("subscription_cycle", 990, period("max", 9900));
        assertThat(claim.credits()).isEqualTo(10_000);
        assertThat(claim.ceiling()).isEqualTo(100_000);
    }

    @Test
    void anUpgradeBuysAtTheNewPlansRateAndNeverMoreThanTheDifferenceOfTheAllowances() {
        // Half the period left: −14.50 for Pro's unused half, +49.50 for Max's: 35.00 charged.
        var half = (InvoiceCredits.Claim)
                claim("subscription_update", 3500, proration("pro", -1450), proration("max", 4950));
        assertThat(half.credits()).isEqualTo(100_000L * 3500 / 9900);
        assertThat(half.newPeriod()).isFalse();
        assertThat(half.periodEnd()).isEqualTo(END);
        // The whole period left: the difference of the prices buys at most the difference of the allowances.
        var whole = (InvoiceCredits.Claim)
                claim("subscription_update", 7000, proration("pro", -2900), proration("max", 9900));
        assertThat(whole.credits()).isEqualTo(70_707).isLessThanOrEqualTo(75_000);
    }

    @Test
    void aChangeThatRestartedThePeriodIsANewPeriodPaidWithTheMoneyCharged() {
        // billing_cycle_anchor=now: Pro's unused month credited, Max's new month billed: 70.00 charged.
        var claim =
                (InvoiceCredits.Claim) claim("subscription_update", 7000, proration("pro", -2900), period("max", 9900));
        assertThat(claim.newPeriod()).isTrue();
        assertThat(claim.credits()).isEqualTo(100_000L * 7000 / 9900);
    }

    @Test
    void invoicesSettledWithoutMoneyGrantNothing() {
        assertThat(claim("subscription_update", 0, proration("max", -6000), period("pro", 2900)))
                .isInstanceOfSatisfying(
                        InvoiceCredits.Refusal.class, r -> assertThat(r.flag()).isEqualTo("UNPAID_INVOICE"));
        assertThat(claim("subscription_cycle", 0, period("max", 9900))).isInstanceOf(InvoiceCredits.Refusal.class);
    }

    @Test
    void aDowngradesProrationAnUnknownPriceAndOtherReasonsGrantNothing() {
        assertThat(claim("subscription_update", 100, proration("max", -4950), proration("pro", 1450)))
                .isInstanceOfSatisfying(
                        InvoiceCredits.Refusal.class,
                        r -> assertThat(r.detail()).contains("no upgrade"));
        assertThat(claim("subscription_create", 2900, period(null, 2900)))
                .isInstanceOfSatisfying(
                        InvoiceCredits.Refusal.class, r -> assertThat(r.flag()).isEqualTo("UNKNOWN_PRICE"));
        for (String reason : new String[] {"manual", "subscription_threshold", "subscription", null}) {
            assertThat(claim(reason, 9900, period("max", 9900)))
                    .as(String.valueOf(reason))
                    .isInstanceOfSatisfying(
                            InvoiceCredits.Refusal.class,
                            r -> assertThat(r.flag()).isEqualTo("UNEXPECTED_INVOICE"));
        }
    }

    @Test
    void aPeriodNeverHoldsMoreThanTheLargestPlanPaidForInIt() {
        var create = new InvoiceCredits.Claim("pro", START, END, 25_000, 25_000, true);
        var upgrade = new InvoiceCredits.Claim("max", MID, END, 70_707, 100_000, false);
        assertThat(InvoiceCredits.grantable(create, 0, 0)).isEqualTo(25_000);
        assertThat(InvoiceCredits.grantable(upgrade, 25_000, 25_000)).isEqualTo(70_707);
        // Out of order: the upgrade was granted first; the create invoice fills the period up to Max's allowance.
        assertThat(InvoiceCredits.grantable(create, 95_000, 100_000)).isEqualTo(5_000);
        assertThat(InvoiceCredits.grantable(create, 100_000, 100_000)).isZero();
    }

    @Test
    void sharesAreExactForLargeNumbers() {
        assertThat(InvoiceCredits.share(Long.MAX_VALUE / 2, 3, 4)).isEqualTo(Long.MAX_VALUE / 2 / 4 * 3 + 2);
        assertThat(InvoiceCredits.share(25_000, 5_000, 2_900))
                .as("capped at the price")
                .isEqualTo(25_000);
        assertThat(InvoiceCredits.share(25_000, 1, 0)).isZero();
    }
}
