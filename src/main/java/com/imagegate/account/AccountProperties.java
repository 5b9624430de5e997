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
 * @param invitationsPerWorkspacePerDay invitations one team workspace may send per 24 h (re-invitations count too)
 * @param invitationsPerAddressPerDay invitations one email address may receive per 24 h, from all workspaces
 * @param signIn password sign-in throttling
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
        List<String> disposableEmailDomains,

        @DefaultValue("50") int invitationsPerWorkspacePerDay,
        @DefaultValue("5") int invitationsPerAddressPerDay,
        @DefaultValue SignIn signIn) {

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
        if (invitationsPerWorkspacePerDay < 1 || invitationsPerAddressPerDay < 1) {
            throw new IllegalArgumentException("imagegate.accounts.invitations-per-workspace-per-day and"
                    + " .invitations-per-address-per-day must be at least 1");
        }
    }

    /**
     * Password sign-in throttling. Every attempt is counted before its password is checked (an atomic, locked
     * counter in the database shared by all nodes), in three scopes: the account from one client, the client (all
     * accounts), and the account from every client. A scope that exceeds its attempts within {@code window} is refused
     * for {@code lockout}, doubling with each further lockout up to {@code maxLockout}. A client is its IPv4 address
     * or its IPv6 /64 network.
     *
     * @param window the period attempts are counted in
     * @param accountClientAttempts attempts on one account from one client per window
     * @param clientAttempts failed attempts from one client on any accounts per window (a successful sign-in gives
     *     its attempt back)
     * @param accountAttempts attempts on one account from all clients per window; the backstop against guessing from
     *     many addresses, which does lock the owner out too, so it is far above the per-client limits (0: off)
     * @param lockout the first lockout of a scope that exceeded its attempts
     * @param maxLockout the longest lockout
     */
    public record SignIn(
            @DefaultValue("15m") Duration window,
            @DefaultValue("5") int accountClientAttempts,
            @DefaultValue("20") int clientAttempts,
            @DefaultValue("100") int accountAttempts,
            @DefaultValue("1m") Duration lockout,
            @DefaultValue("1h") Duration maxLockout) {

        public SignIn {
            if (window.isNegative() || window.isZero() || lockout.isNegative() || lockout.isZero()) {
                throw new IllegalArgumentException("imagegate.accounts.sign-in.window and .lockout must be positive");
            }
            if (maxLockout.compareTo(lockout) < 0) {
                throw new IllegalArgumentException(
                        "imagegate.accounts.sign-in.max-lockout must not be shorter than .lockout");
            }
            if (accountClientAttempts < 1 || clientAttempts < 1 || accountAttempts < 0) {
                throw new IllegalArgumentException("imagegate.accounts.sign-in.account-client-attempts and"
                        + " .client-attempts must be at least 1, .account-attempts at least 0");
            }
        }
    }
}
