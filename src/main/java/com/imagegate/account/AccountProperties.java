package com.imagegate.account;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Account settings.
 *
 * @param signupCredits free credits for a new user, once per person (per {@link Mailboxes#person mailbox}); where mail
 *     is configured, when they confirm their address; 0 turns them off
 * @param signupCreditsValidity how long the free credits stay spendable
 * @param signupsPerIpPerDay default of the sign-ups one network (an IPv4 address or an IPv6 /64) may make per UTC day
 *     (3; 0 for no limit); admins change it, and allow single networks (an office behind one address), at
 *     {@code /admin/abuse}
 * @param disposableEmailDomains default list of email domains refused at sign-up; admins change it at
 *     {@code /admin/abuse}
 */
@ConfigurationProperties("imagegate.accounts")
public record AccountProperties(
        @DefaultValue("100") int signupCredits,
        @DefaultValue("P30D") Duration signupCreditsValidity,
        @DefaultValue("3") int signupsPerIpPerDay,

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
