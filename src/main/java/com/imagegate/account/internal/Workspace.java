package com.imagegate.account.internal;

import com.imagegate.AssignedIdEntity;
import com.imagegate.Ids;
import com.imagegate.account.AccountException;
import com.imagegate.account.WorkspaceSummary;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant: every key, task, image and credit belongs to one workspace. */
@Entity
@Table(name = "workspaces")
class Workspace extends AssignedIdEntity<String> {

    static final int MAX_NAME_LENGTH = 80;

    @Id
    private String id;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private boolean personal;

    @Column(nullable = false)
    private boolean suspended;

    @Column(name = "created_by", nullable = false)
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Workspace() {}

    private Workspace(String name, boolean personal, String createdBy, Instant now) {
        this.id = Ids.next("ws");
        this.name = checkName(name);
        this.personal = personal;
        this.createdBy = createdBy;
        this.createdAt = now;
        this.updatedAt = now;
    }

    static Workspace personalFor(User user, Instant now) {
        String local = user.email().substring(0, user.email().indexOf('@'));
        String name = local.length() > 60 ? local.substring(0, 60) : local;
        return new Workspace(name + "'s workspace", true, user.id(), now);
    }

    static Workspace team(String name, String createdBy, Instant now) {
        return new Workspace(name, false, createdBy, now);
    }

    static String checkName(String raw) {
        String name = raw == null ? "" : raw.strip();
        if (name.isEmpty()) {
            throw new AccountException("name", "Give the workspace a name.");
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            throw new AccountException("name", "Use at most " + MAX_NAME_LENGTH + " characters.");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw new AccountException("name", "The name must not contain control characters.");
        }
        return name;
    }

    WorkspaceSummary summary() {
        return new WorkspaceSummary(id, name, personal, suspended);
    }

    void suspend(boolean suspended, Instant now) {
        this.suspended = suspended;
        this.updatedAt = now;
    }

    boolean suspended() {
        return suspended;
    }

    String id() {
        return id;
    }

    boolean personal() {
        return personal;
    }

    Instant createdAt() {
        return createdAt;
    }

    @Override
    public String getId() {
        return id;
    }
}
