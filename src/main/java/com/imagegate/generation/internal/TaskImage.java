package com.imagegate.generation.internal;

import com.imagegate.AssignedIdEntity;
import com.imagegate.Ids;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One stored image of a task. */
@Entity
@Table(name = "task_images")
class TaskImage extends AssignedIdEntity<String> {

    @Id
    private String id;

    @Column(name = "task_id", nullable = false)
    private String taskId;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(nullable = false)
    private int position;

    @Column(name = "storage_key", nullable = false, unique = true)
    private String storageKey;

    @Column(name = "content_type", nullable = false)
    private String contentType;

    @Column(nullable = false)
    private int width;

    @Column(nullable = false)
    private int height;

    @Column(name = "byte_size", nullable = false)
    private long byteSize;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "deleted_at")
    private Instant deletedAt;

    protected TaskImage() {}

    TaskImage(
            String id,
            String taskId,
            String workspaceId,
            int position,
            String storageKey,
            String contentType,
            int width,
            int height,
            long byteSize,
            Instant now) {
        this.id = id;
        this.taskId = taskId;
        this.workspaceId = workspaceId;
        this.position = position;
        this.storageKey = storageKey;
        this.contentType = contentType;
        this.width = width;
        this.height = height;
        this.byteSize = byteSize;
        this.createdAt = now;
    }

    static String newId() {
        return Ids.next("img");
    }

    String id() {
        return id;
    }

    @Override
    public String getId() {
        return id;
    }

    String taskId() {
        return taskId;
    }

    int position() {
        return position;
    }

    String storageKey() {
        return storageKey;
    }

    String contentType() {
        return contentType;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    boolean deleted() {
        return deletedAt != null;
    }

    void markDeleted(Instant now) {
        this.deletedAt = now;
    }
}
