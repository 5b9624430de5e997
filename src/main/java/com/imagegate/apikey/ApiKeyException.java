package com.imagegate.apikey;

/**
 * A key request the rules refuse, with a message fit to show the person who made it.
 *
 * @see #field()
 */
public class ApiKeyException extends RuntimeException {

    private final String field;

    public ApiKeyException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The form field the message is about ({@code name}, {@code mode}, {@code expiresOn}, {@code monthlyCreditCap}). */
    public String field() {
        return field;
    }
}
