package com.imagegate.account;

/** A sign-up refused because its network made the day's allowed sign-ups already; the web answers it with 429. */
public class SignupLimitException extends AccountException {

    public SignupLimitException(String message) {
        super(null, message);
    }
}
