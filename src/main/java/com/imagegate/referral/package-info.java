/**
 * Referrals: each workspace's referral link, the sign-ups made through it (recorded from account's
 * {@code UserSignedUp}), the referred account's bonus (granted with its free credits, from {@code FreeCreditsGranted},
 * so once per person), and the referrer's reward once the referred workspace's first paid purchase (billing's
 * {@code PaymentReceived}) has cleared: held for {@code imagegate.referrals.hold-period} without a refund or dispute
 * (billing's {@code PaymentReversed}), then granted by a JobRunr recurring job unless the referred account looks like
 * the referrer (same mailbox, same sign-up network, a card both paid with) or the referrer's monthly cap is reached.
 * Off by default ({@code imagegate.referrals.enabled}).
 */
@ApplicationModule(
        displayName = "Referrals",
        allowedDependencies = {"account", "billing", "credits"})
package com.imagegate.referral;

import org.springframework.modulith.ApplicationModule;
