package com.imagegate.account;

/**
 * A request the account rules refuse, with a message fit to show the person who made it.
 *
 * @see #field()
 */
public class AccountException extends RuntimeException {

    private final String field;

    public AccountException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The form field the message is about, or {@code null} when it is about the whole request. */
    public String field() {
        return field;
    }
}
