package com.imagegate.account;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Account settings.
 *
 * @param signupCredits free credits granted to every new user
 * @param signupCreditsValidity how long the free credits stay spendable
 * @param signupsPerIpPerDay default of the sign-ups one client address may make per 24 h (0, the default: no limit, so
 *     people behind one office or carrier NAT address are not locked out before an admin decides); admins change it
 *     at {@code /admin/abuse}
 * @param disposableEmailDomains default list of email domains refused at sign-up; admins change it at
 *     {@code /admin/abuse}
 */
@ConfigurationProperties("imagegate.accounts")
public record AccountProperties(
        @DefaultValue("100") int signupCredits,
        @DefaultValue("P30D") Duration signupCreditsValidity,
        @DefaultValue("0") int signupsPerIpPerDay,

        @DefaultValue({
            "mailinator.com",
            "guerrillamail.com",
            "sharklasers.com",
            "10minutemail.com",
            "temp-mail.org",
            "yopmail.com",
            "trashmail.com",
            "maildrop.cc",
            "dispostable.com",
            "getnada.com"
        })
        List<String> disposableEmailDomains) {

    public AccountProperties {
        if (signupCredits < 0) {
            throw new IllegalArgumentException("imagegate.accounts.signup-credits must not be negative");
        }
        if (signupCreditsValidity.isNegative() || signupCreditsValidity.isZero()) {
            throw new IllegalArgumentException("imagegate.accounts.signup-credits-validity must be positive");
        }
        if (signupsPerIpPerDay < 0) {
            throw new IllegalArgumentException("imagegate.accounts.signups-per-ip-per-day must not be negative");
        }
        disposableEmailDomains = disposableEmailDomains == null ? List.of() : List.copyOf(disposableEmailDomains);
    }
}
