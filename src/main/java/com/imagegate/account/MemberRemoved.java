package com.imagegate.account;

/**
 * A member left, or was removed from, a team workspace. Published in the removing transaction, so what listeners undo
 * (the API keys the member created in that workspace) goes with the removal or not at all.
 *
 * @param workspaceId the workspace
 * @param userId the member who no longer belongs to it
 * @param actorUserId who removed them (the member themselves when they left)
 */
public record MemberRemoved(String workspaceId, String userId, String actorUserId) {}
