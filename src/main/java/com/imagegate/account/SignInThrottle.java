package com.imagegate.account;

/**
 * Slows password guessing. Every password sign-in attempt is counted before its password is checked — per account
 * from one client, per client, and per account from all clients — so parallel guesses cannot slip past a limit; a
 * scope over its limit is locked out for a while, longer each time. A wrong guess from one client address does not
 * lock the account's owner out at another. Successes are recorded from Spring Security's authentication events.
 */
public interface SignInThrottle {

    /**
     * Counts one password sign-in attempt for this email from this address.
     *
     * @return true when its password may be checked; false when it is refused (and its password must not be checked)
     */
    boolean tryAttempt(String email, String remoteAddress);
}
