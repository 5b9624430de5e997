package com.imagegate.account;

/**
 * Slows password guessing: after repeated failures an account, or an address, is refused for a while. Failures and
 * successes are recorded from Spring Security's authentication events.
 */
public interface SignInThrottle {

    /** True when sign-in for this email, or from this address, is refused right now. */
    boolean isBlocked(String email, String remoteAddress);
}
