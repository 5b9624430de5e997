package com.imagegate.generation.internal;

import com.imagegate.AssignedIdEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** An Idempotency-Key a workspace used, the digest of the body it came with, and the task it made. */
@Entity
@Table(name = "idempotency_keys")
@IdClass(IdempotencyKey.Id.class)
class IdempotencyKey extends AssignedIdEntity<IdempotencyKey.Id> {

    /** The key's identity: unique per workspace. */
    static class Id implements Serializable {
        private String workspaceId;
        private String key;

        protected Id() {}

        Id(String workspaceId, String key) {
            this.workspaceId = workspaceId;
            this.key = key;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Id id && Objects.equals(workspaceId, id.workspaceId) && Objects.equals(key, id.key);
        }

        @Override
        public int hashCode() {
            return Objects.hash(workspaceId, key);
        }
    }

    @jakarta.persistence.Id
    @Column(name = "workspace_id")
    private String workspaceId;

    @jakarta.persistence.Id
    @Column(name = "idem_key")
    private String key;

    @Column(name = "request_hash", nullable = false)
    private String requestHash;

    @Column(name = "task_id", nullable = false)
    private String taskId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected IdempotencyKey() {}

    IdempotencyKey(String workspaceId, String key, String requestHash, String taskId, Instant createdAt) {
        this.workspaceId = workspaceId;
        this.key = key;
        this.requestHash = requestHash;
        this.taskId = taskId;
        this.createdAt = createdAt;
    }

    @Override
    public Id getId() {
        return new Id(workspaceId, key);
    }

    String requestHash() {
        return requestHash;
    }

    String taskId() {
        return taskId;
    }

    Instant createdAt() {
        return createdAt;
    }
}
