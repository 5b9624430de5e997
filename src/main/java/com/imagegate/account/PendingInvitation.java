package com.imagegate.account;

import java.time.Instant;

/** An invitation sent and not yet accepted, revoked or expired. */
public record PendingInvitation(String id, String email, WorkspaceRole role, Instant expiresAt) {}
