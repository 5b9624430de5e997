package com.imagegate.credits.internal;

import org.jobrunr.scheduling.JobScheduler;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

@Configuration(proxyBeanMethods = false)
class CreditsConfiguration {

    private final JobScheduler jobScheduler;
    private final CreditsProperties properties;

    CreditsConfiguration(JobScheduler jobScheduler, CreditsProperties properties) {
        this.jobScheduler = jobScheduler;
        this.properties = properties;
    }

    /**
     * Registers (or updates) the expiry write-off as a recurring job: JobRunr runs it once per interval across all
     * nodes sharing the database.
     */
    @EventListener(ApplicationReadyEvent.class)
    void scheduleExpiry() {
        jobScheduler.scheduleRecurrently(
                ExpiryJob.RECURRING_ID, properties.expiryInterval(), (ExpiryJob job) -> job.writeOffExpiredLots());
    }
}
