package com.imagegate.api.internal;

import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.jobs.annotations.Recurring;
import org.springframework.stereotype.Component;

/**
 * Forgets task-creation rate windows older than an hour, hourly, once across nodes (a JobRunr recurring job; JobRunr
 * needs a public class and method). Without it {@code rate_windows} gains a row per busy workspace per minute forever.
 */
@Component
public class RateWindowsCleanup {

    private final RequestRateLimiter limiter;

    RateWindowsCleanup(RequestRateLimiter limiter) {
        this.limiter = limiter;
    }

    @Recurring(id = "imagegate-rate-windows-cleanup", interval = "PT1H")
    @Job(name = "Delete old rate windows")
    public int deleteOld() {
        return limiter.purge();
    }
}
