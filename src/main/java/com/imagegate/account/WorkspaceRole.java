package com.imagegate.account;

/** A member's role in one workspace. */
public enum WorkspaceRole {
    /** Created the workspace; everything an admin can, plus deleting it and managing admins. */
    OWNER,
    /** Manages API keys, billing and members. */
    ADMIN,
    /** Generates images and sees the workspace's gallery. */
    MEMBER;

    /** Owners and admins create and revoke keys, buy credits and invite people. */
    public boolean canManage() {
        return this == OWNER || this == ADMIN;
    }
}
