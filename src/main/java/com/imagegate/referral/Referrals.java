package com.imagegate.referral;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Referral links. A visit to {@code /signup?ref=<code>} is remembered in the {@link #COOKIE} cookie (and the sign-up
 * form carries it as the {@link #PARAMETER} field), so it survives a password sign-up and a provider sign-in alike; the
 * account created in that request is recorded as referred.
 */
public interface Referrals {

    /** The cookie that remembers a referral link's code until the visitor signs up. */
    String COOKIE = "ig_ref";

    /** The query parameter and form field that carry a referral code. */
    String PARAMETER = "ref";

    /** What a referral code looks like: 16 letters and digits. */
    Pattern CODE = Pattern.compile("[0-9A-Za-z]{16}");

    /** True when referrals are switched on ({@code imagegate.referrals.enabled}). */
    boolean enabled();

    /** True when {@code code} has the form of a referral code (whether or not it exists). */
    static boolean wellFormed(String code) {
        return code != null && CODE.matcher(code).matches();
    }

    /**
     * The workspace's referral link with its figures, its code made on first use; empty when referrals are off.
     */
    Optional<ReferralLink> link(String workspaceId);

    /**
     * A workspace's referral link and what it brought.
     *
     * @param url the link to share ({@code <base-url>/signup?ref=<code>})
     * @param signUps accounts signed up through it
     * @param pending of those, the ones whose first paid purchase is waiting to clear
     * @param rewarded referrals that earned a reward
     * @param creditsEarned credits earned by rewards (less any taken back after a refund or dispute)
     */
    record ReferralLink(
            String code,
            String url,
            long signUps,
            long pending,
            long rewarded,
            long creditsEarned,
            long rewardCredits) {}
}
