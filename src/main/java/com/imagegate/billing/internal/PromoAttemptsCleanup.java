package com.imagegate.billing.internal;

import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.jobs.annotations.Recurring;
import org.springframework.stereotype.Component;

/**
 * Forgets promo code attempt windows that ended more than a day ago, hourly, once across nodes (a JobRunr recurring
 * job; JobRunr needs a public class and method).
 */
@Component
public class PromoAttemptsCleanup {

    private final PromoCodeService promoCodes;

    PromoAttemptsCleanup(PromoCodeService promoCodes) {
        this.promoCodes = promoCodes;
    }

    @Recurring(id = "imagegate-promo-attempts-cleanup", interval = "PT1H")
    @Job(name = "Delete old promo code attempt windows")
    public int deleteOld() {
        return promoCodes.deleteOldAttempts();
    }
}
