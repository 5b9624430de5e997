package com.imagegate.apikey;

import java.util.List;

/**
 * The live keys a member had created in a team workspace were revoked because they left or were removed from it.
 * Published in the removing transaction (the admin console records it in the audit log).
 *
 * @param workspaceId the workspace
 * @param memberUserId the member who no longer belongs to it
 * @param actorUserId who removed them (the member themselves when they left)
 * @param keyIds the keys revoked
 */
public record MemberKeysRevoked(String workspaceId, String memberUserId, String actorUserId, List<String> keyIds) {}
