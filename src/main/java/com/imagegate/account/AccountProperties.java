package com.imagegate.account;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Account settings.
 *
 * @param signupCredits free credits granted to every new user
 * @param signupCreditsValidity how long the free credits stay spendable
 */
@ConfigurationProperties("imagegate.accounts")
public record AccountProperties(
        @DefaultValue("100") int signupCredits,
        @DefaultValue("P30D") Duration signupCreditsValidity) {

    public AccountProperties {
        if (signupCredits < 0) {
            throw new IllegalArgumentException("imagegate.accounts.signup-credits must not be negative");
        }
        if (signupCreditsValidity.isNegative() || signupCreditsValidity.isZero()) {
            throw new IllegalArgumentException("imagegate.accounts.signup-credits-validity must be positive");
        }
    }
}
