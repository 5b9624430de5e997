package com.imagegate.webhook;

/**
 * An endpoint change refused: a sentence for the owner and the form field it is about ({@code url},
 * {@code description}, {@code eventTypes}, or null for the form as a whole). Nothing was written.
 */
public class WebhookEndpointException extends RuntimeException {

    private final String field;

    public WebhookEndpointException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
