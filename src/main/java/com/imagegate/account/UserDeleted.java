package com.imagegate.account;

/**
 * A user deleted their account (a soft delete: the row stays for the ledger and audit, sign-in stops at once).
 * Listeners revoke what the user held, such as their API keys. Published in the deleting transaction.
 *
 * @param userId the deleted user
 * @param personalWorkspaceId their personal workspace, which is closed with them
 */
public record UserDeleted(String userId, String personalWorkspaceId) {}
