package com.imagegate.account.internal;

import com.imagegate.AssignedIdEntity;
import com.imagegate.Ids;
import com.imagegate.account.WorkspaceRole;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A user's place in a workspace, with their role there. */
@Entity
@Table(name = "memberships")
class Membership extends AssignedIdEntity<String> {

    @Id
    private String id;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(name = "user_id", nullable = false)
    private String userId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private WorkspaceRole role;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Membership() {}

    Membership(String workspaceId, String userId, WorkspaceRole role, Instant now) {
        this.id = Ids.next("mem");
        this.workspaceId = workspaceId;
        this.userId = userId;
        this.role = role;
        this.createdAt = now;
    }

    void changeRole(WorkspaceRole role) {
        this.role = role;
    }

    Instant createdAt() {
        return createdAt;
    }

    String workspaceId() {
        return workspaceId;
    }

    String userId() {
        return userId;
    }

    WorkspaceRole role() {
        return role;
    }

    @Override
    public String getId() {
        return id;
    }
}
