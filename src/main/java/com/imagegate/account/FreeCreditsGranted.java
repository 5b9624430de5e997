package com.imagegate.account;

/**
 * A user's personal workspace received the free sign-up credits: once per person ({@link Mailboxes#person}), at
 * sign-up or, where mail is configured, when the address is confirmed. Published inside the granting transaction. The
 * referral module grants a referred account's bonus from it, so the bonus follows the same once-per-person rule.
 *
 * @param userId the user
 * @param personalWorkspaceId the workspace that received them
 */
public record FreeCreditsGranted(String userId, String personalWorkspaceId) {}
