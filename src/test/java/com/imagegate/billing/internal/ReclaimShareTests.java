package com.imagegate.billing.internal;

import static com.imagegate.billing.internal.RefundEvents.reclaimShare;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The share of a payment's credits a refund or dispute takes back (docs/billing.md): share = min(credits,
 * ⌈credits × min(amount, paid) / paid⌉), and the whole credits when nothing was paid. StripeBillingIT and
 * BillingInvariantIT reach it through signed webhooks; here it is alone.
 */
class ReclaimShareTests {

    @ParameterizedTest(name = "{0} credits bought for {1} cents, {2} cents back → {3} credits")
    @CsvSource({
        // a full refund or dispute takes back everything
        "1000, 999, 999, 1000",
        "25000, 2900, 2900, 25000",
        // a partial one takes back the same share of the credits as of the money
        "1000, 1000, 250, 250",
        "25000, 2900, 1450, 12500",
        // rounded up: no fraction of a credit is left that no money pays for
        "1000, 3, 1, 334",
        "1000, 3, 2, 667",
        "10, 999, 1, 1",
        // more than was paid (e.g. a dispute with fees) takes back no more than the credits
        "1000, 1000, 5000, 1000",
        // nothing back takes nothing
        "1000, 1000, 0, 0",
        // a payment of no money (a 100 % coupon) is taken back whole
        "500, 0, 0, 500",
        "500, 0, 100, 500",
        "500, -1, 100, 500",
        // a payment that bought nothing gives nothing back
        "0, 2900, 2900, 0"
    })
    void theShareOfTheCreditsIsTheShareOfTheMoneyRoundedUp(long credits, long paid, long amount, long share) {
        assertThat(reclaimShare(credits, paid, amount)).isEqualTo(share);
    }

    @Test
    void roundingUpIsTheSmallestWholeShareThatCoversTheMoneyBack() {
        for (long credits : new long[] {1, 7, 100, 999, 25_000}) {
            for (long paid : new long[] {1, 3, 7, 100, 2900}) {
                for (long amount = 0; amount <= paid; amount++) {
                    long share = reclaimShare(credits, paid, amount);
                    assertThat(share * paid)
                            .as("covers %d/%d of %d", amount, paid, credits)
                            .isGreaterThanOrEqualTo(credits * amount);
                    if (share > 0) {
                        assertThat((share - 1) * paid)
                                .as("smallest for %d/%d of %d", amount, paid, credits)
                                .isLessThan(credits * amount);
                    }
                    assertThat(share).isBetween(0L, credits);
                }
            }
        }
    }

    @Test
    void cumulativeRefundsNeverTakeBackLessThanBefore() {
        long previous = 0;
        for (long amount = 0; amount <= 3000; amount += 7) {
            long share = reclaimShare(25_000, 2900, amount);
            assertThat(share).isGreaterThanOrEqualTo(previous);
            previous = share;
        }
        assertThat(previous).isEqualTo(25_000);
    }

    @Test
    void anOverflowingProductFailsLoudlyInsteadOfWrapping() {
        assertThatExceptionOfType(ArithmeticException.class)
                .isThrownBy(() -> reclaimShare(Long.MAX_VALUE / 2, 1000, 999));
    }
}
