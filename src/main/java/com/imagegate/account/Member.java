package com.imagegate.account;

import java.util.List;

/**
 * A signed-in person as seen in one of their workspaces: what pages need to decide what to show and allow.
 *
 * @param userId the user
 * @param email their address
 * @param platformRole {@link Role#ADMIN} for operators
 * @param workspace the workspace they are working in now
 * @param role their role in it
 * @param workspaces every workspace they belong to, for the switcher
 */
public record Member(
        String userId,
        String email,
        Role platformRole,
        WorkspaceSummary workspace,
        WorkspaceRole role,
        List<WorkspaceSummary> workspaces) {

    public boolean canManageWorkspace() {
        return role.canManage();
    }

    public boolean isPlatformAdmin() {
        return platformRole == Role.ADMIN;
    }
}
