package com.imagegate.fetch;

/** A server-side fetch was refused or failed; the message is fit to show the caller (no internals). */
public class FetchException extends RuntimeException {

    private final boolean tooLarge;

    public FetchException(String message) {
        this(message, false);
    }

    public FetchException(String message, boolean tooLarge) {
        super(message, null, false, false);
        this.tooLarge = tooLarge;
    }

    /** True when the content was over the size limit (API: 413). */
    public boolean tooLarge() {
        return tooLarge;
    }
}
