package com.imagegate.account;

/**
 * A user's existing sign-ins must end: their password was changed or reset, their admin role was removed, their
 * account was deleted or taken over. Published in the changing transaction; the web module then deletes the user's
 * stored browser sessions on every node (sessions live in the database), except the session of the request that made
 * the change (a user who changes their own password stays signed in there, and only there).
 *
 * @param userId the user
 * @param email the address their sessions are indexed by (the address before a deletion renamed it)
 * @param reason why, for the log: {@code password-changed}, {@code password-reset}, {@code admin-role-removed},
 *     {@code account-deleted}, {@code bootstrap-takeover}
 */
public record SessionsRevoked(String userId, String email, String reason) {}
