package com.imagegate.credits.internal;

import org.jobrunr.jobs.annotations.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The JobRunr job that writes off expired lots; public because JobRunr calls it. Idempotent. */
@Component
public class ExpiryJob {

    private static final Logger log = LoggerFactory.getLogger(ExpiryJob.class);
    static final String RECURRING_ID = "credits-expiry";

    private final Ledger ledger;

    ExpiryJob(Ledger ledger) {
        this.ledger = ledger;
    }

    @Job(name = "Write off expired credit lots")
    public void writeOffExpiredLots() {
        int lots = ledger.writeOffExpiredLots();
        if (lots > 0) {
            log.info("Wrote off {} expired credit lots", lots);
        }
    }
}
