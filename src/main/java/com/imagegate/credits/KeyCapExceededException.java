package com.imagegate.credits;

/** The reservation would take an API key past its monthly cap. */
public final class KeyCapExceededException extends CreditsException {

    private final String apiKeyId;
    private final long monthlyCap;
    private final long used;
    private final long requested;

    public KeyCapExceededException(String apiKeyId, long monthlyCap, long used, long requested) {
        super("API key " + apiKeyId + " used " + used + " of its " + monthlyCap + " monthly credits, " + requested
                + " requested");
        this.apiKeyId = apiKeyId;
        this.monthlyCap = monthlyCap;
        this.used = used;
        this.requested = requested;
    }

    public String apiKeyId() {
        return apiKeyId;
    }

    public long monthlyCap() {
        return monthlyCap;
    }

    public long used() {
        return used;
    }

    public long requested() {
        return requested;
    }
}
