package com.imagegate.account;

import java.time.Instant;

/**
 * A new user and their personal workspace were created (password or provider sign-up, the bootstrap admin). Published
 * inside the creating transaction, before the free credits are granted, so a synchronous listener's rows commit with
 * the user or not at all. The referral module records a sign-up through a referral link from it.
 *
 * @param userId the new user
 * @param personalWorkspaceId their personal workspace
 * @param mailbox the person key of their address ({@link Mailboxes#person})
 * @param signupIp the client address they signed up from, when known
 * @param at when
 */
public record UserSignedUp(String userId, String personalWorkspaceId, String mailbox, String signupIp, Instant at) {}
