package com.imagegate.referral;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Referral settings. Off by default.
 *
 * @param enabled shows each workspace's referral link to its owners and records sign-ups made through it; off: no
 *     link anywhere and {@code ?ref=} is ignored
 * @param bonusCredits credits for an account signed up through a link, granted with (and only with) its free sign-up
 *     credits: once per person, at email confirmation where mail is configured (0: none)
 * @param bonusValidity how long the bonus stays spendable
 * @param rewardCredits credits for the referrer once the referred workspace's first paid purchase has cleared (0: none)
 * @param rewardValidity how long a reward stays spendable
 * @param maxRewardsPerMonth rewards one referrer workspace may receive per calendar month (UTC); a referral cleared
 *     beyond it is not rewarded (0: no cap)
 * @param holdPeriod how long the first paid purchase must stay paid, neither refunded nor disputed, before it counts as
 *     cleared and the referrer is rewarded
 * @param linkMaxAge how long a visit through a referral link is remembered (a cookie) before the visitor signs up
 */
@ConfigurationProperties("imagegate.referrals")
public record ReferralProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("100") long bonusCredits,
        @DefaultValue("P30D") Duration bonusValidity,
        @DefaultValue("500") long rewardCredits,
        @DefaultValue("P90D") Duration rewardValidity,
        @DefaultValue("10") int maxRewardsPerMonth,
        @DefaultValue("P14D") Duration holdPeriod,
        @DefaultValue("P30D") Duration linkMaxAge) {

    public ReferralProperties {
        if (bonusCredits < 0 || rewardCredits < 0 || maxRewardsPerMonth < 0) {
            throw new IllegalArgumentException("imagegate.referrals.bonus-credits, .reward-credits and"
                    + " .max-rewards-per-month must not be negative");
        }
        if (!positive(bonusValidity) || !positive(rewardValidity) || !positive(linkMaxAge)) {
            throw new IllegalArgumentException(
                    "imagegate.referrals.bonus-validity, .reward-validity and .link-max-age must be positive");
        }
        if (holdPeriod == null || holdPeriod.isNegative()) {
            throw new IllegalArgumentException("imagegate.referrals.hold-period must not be negative");
        }
    }

    private static boolean positive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }
}
