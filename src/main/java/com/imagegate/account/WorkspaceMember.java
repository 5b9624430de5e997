package com.imagegate.account;

import java.time.Instant;

/** One member of a workspace, for the members page. */
public record WorkspaceMember(String userId, String email, WorkspaceRole role, Instant joinedAt) {}
