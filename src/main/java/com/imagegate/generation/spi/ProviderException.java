package com.imagegate.generation.spi;

/**
 * A provider could not make the images. The code and message are ours, fit to show API users (never an upstream key
 * or raw body); {@code retryable} says whether trying again may help.
 */
public class ProviderException extends RuntimeException {

    private final String code;
    private final boolean retryable;

    public ProviderException(String code, String message, boolean retryable) {
        super(message);
        this.code = code;
        this.retryable = retryable;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
