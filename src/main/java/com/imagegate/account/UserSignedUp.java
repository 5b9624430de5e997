package com.imagegate.account;

/**
 * A new user exists, with a personal workspace of their own. Published once per user, in the sign-up transaction.
 *
 * @param userId the new user
 * @param email their address
 * @param personalWorkspaceId the workspace created for them, which receives the sign-up credits
 */
public record UserSignedUp(String userId, String email, String personalWorkspaceId) {}
