package com.imagegate.referral.internal;

import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.jobs.annotations.Recurring;
import org.springframework.stereotype.Component;

/**
 * Clears referrals: every 10 minutes, on one node, the referrals whose first paid purchase has stayed paid for the
 * hold period are rewarded (or refused, or capped), each in its own transaction with its row locked, the reward one
 * ledger grant referenced {@code referral:<id>}, so a run on two nodes, a retried run or an overlapping one rewards once.
 */
@Component
public class ReferralJob {

    private final ReferralService referrals;

    ReferralJob(ReferralService referrals) {
        this.referrals = referrals;
    }

    @Recurring(id = "imagegate-referral-clearing", interval = "PT10M")
    @Job(name = "Clear referrals")
    public void settle() {
        referrals.settleDue();
    }
}
