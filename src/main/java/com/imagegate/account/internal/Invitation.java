package com.imagegate.account.internal;

import com.imagegate.AssignedIdEntity;
import com.imagegate.Ids;
import com.imagegate.account.PendingInvitation;
import com.imagegate.account.WorkspaceRole;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An invitation into a team workspace, bound to one email address; only its token's hash is stored. */
@Entity
@Table(name = "invitations")
class Invitation extends AssignedIdEntity<String> {

    @Id
    private String id;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(nullable = false)
    private String email;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private WorkspaceRole role;

    @Column(name = "token_hash", nullable = false, unique = true)
    private String tokenHash;

    @Column(name = "invited_by", nullable = false)
    private String invitedBy;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "accepted_at")
    private Instant acceptedAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Invitation() {}

    Invitation(
            String workspaceId,
            String email,
            WorkspaceRole role,
            String tokenHash,
            String invitedBy,
            Instant expiresAt,
            Instant now) {
        this.id = Ids.next("inv");
        this.workspaceId = workspaceId;
        this.email = email;
        this.role = role;
        this.tokenHash = tokenHash;
        this.invitedBy = invitedBy;
        this.expiresAt = expiresAt;
        this.createdAt = now;
    }

    boolean openAt(Instant now) {
        return acceptedAt == null && revokedAt == null && now.isBefore(expiresAt);
    }

    void revoke(Instant now) {
        this.revokedAt = now;
    }

    PendingInvitation pending() {
        return new PendingInvitation(id, email, role, expiresAt);
    }

    String id() {
        return id;
    }

    String workspaceId() {
        return workspaceId;
    }

    String email() {
        return email;
    }

    WorkspaceRole role() {
        return role;
    }

    @Override
    public String getId() {
        return id;
    }
}
