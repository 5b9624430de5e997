package com.imagegate.account;

import java.util.List;

/** Team workspaces: creating them, inviting people by email, roles. Owners and admins manage; members generate. */
public interface Teams {

    /**
     * Creates a team workspace owned by this user.
     *
     * @return the new workspace's id
     */
    String createWorkspace(String userId, String name);

    /** The members of a workspace the caller belongs to, owners first. */
    List<WorkspaceMember> members(String actorUserId, String workspaceId);

    /** Open invitations of a team workspace (owners and admins only). */
    List<PendingInvitation> invitations(String actorUserId, String workspaceId);

    /**
     * Invites someone by email into a team workspace with a role; they get a single-use link valid 7 days. Only owners
     * and admins invite; only owners invite owners.
     */
    void invite(String actorUserId, String workspaceId, String email, WorkspaceRole role);

    /** Withdraws an open invitation. */
    void revokeInvitation(String actorUserId, String workspaceId, String invitationId);

    /**
     * Accepts an invitation as the signed-in user, whose email must be the invited one.
     *
     * @return the workspace joined
     * @throws AccountException when the link is invalid, spent, expired or meant for another address
     */
    String acceptInvitation(String userId, String token);

    /** Changes a member's role. A workspace always keeps at least one owner. */
    void changeRole(String actorUserId, String workspaceId, String memberUserId, WorkspaceRole role);

    /** Removes a member (or lets a member leave). A workspace always keeps at least one owner. */
    void removeMember(String actorUserId, String workspaceId, String memberUserId);
}
