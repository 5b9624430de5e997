package com.imagegate.credits;

import java.time.Instant;

/** The reservation would take an API key past its budget for the current period. */
public final class KeyCapExceededException extends CreditsException {

    private final String apiKeyId;
    private final long budget;
    private final BudgetPeriod period;
    private final long used;
    private final long requested;
    private final Instant resetsAt;

    public KeyCapExceededException(
            String apiKeyId, long budget, BudgetPeriod period, long used, long requested, Instant resetsAt) {
        super("API key " + apiKeyId + " used " + used + " of its " + budget + " credits per " + period.value() + ", "
                + requested + " requested; resets at " + resetsAt);
        this.apiKeyId = apiKeyId;
        this.budget = budget;
        this.period = period;
        this.used = used;
        this.requested = requested;
        this.resetsAt = resetsAt;
    }

    public String apiKeyId() {
        return apiKeyId;
    }

    public long budget() {
        return budget;
    }

    public BudgetPeriod period() {
        return period;
    }

    public long used() {
        return used;
    }

    public long requested() {
        return requested;
    }

    /** When the period ends and the key may spend again. */
    public Instant resetsAt() {
        return resetsAt;
    }
}
