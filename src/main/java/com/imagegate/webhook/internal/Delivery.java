package com.imagegate.webhook.internal;

import com.imagegate.AssignedIdEntity;
import com.imagegate.Ids;
import com.imagegate.generation.TaskStatus;
import com.imagegate.webhook.WebhookDelivery;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The webhook of one task ending. Written in the transaction that ends the task (so an ending is never without its
 * delivery); its attempts are claimed by conditional updates in {@link Deliveries}, so one attempt is made once.
 */
@Entity
@Table(name = "webhook_deliveries")
class Delivery extends AssignedIdEntity<String> {

    enum Status {
        PENDING,
        SUCCEEDED,
        FAILED
    }

    @Id
    private String id;

    @Column(name = "task_id", nullable = false)
    private String taskId;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(nullable = false)
    private String url;

    @Enumerated(EnumType.STRING)
    @Column(name = "task_status", nullable = false)
    private TaskStatus taskStatus;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Status status;

    @Column(nullable = false)
    private int attempts;

    @Column(name = "last_status_code")
    private Integer lastStatusCode;

    @Column(name = "last_error")
    private String lastError;

    @Column(name = "next_attempt_at")
    private Instant nextAttemptAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    protected Delivery() {}

    Delivery(String taskId, String workspaceId, String url, TaskStatus taskStatus, Instant now) {
        this.id = Ids.next("whmsg");
        this.taskId = taskId;
        this.workspaceId = workspaceId;
        this.url = url;
        this.taskStatus = taskStatus;
        this.status = Status.PENDING;
        this.attempts = 0;
        this.nextAttemptAt = now;
        this.createdAt = now;
    }

    @Override
    public String getId() {
        return id;
    }

    String id() {
        return id;
    }

    String taskId() {
        return taskId;
    }

    String workspaceId() {
        return workspaceId;
    }

    String url() {
        return url;
    }

    Status status() {
        return status;
    }

    int attempts() {
        return attempts;
    }

    Instant nextAttemptAt() {
        return nextAttemptAt;
    }

    Instant createdAt() {
        return createdAt;
    }

    WebhookDelivery view(List<WebhookDelivery.Attempt> attemptLog) {
        return new WebhookDelivery(
                id,
                taskId,
                url,
                taskStatus,
                status.name().toLowerCase(Locale.ROOT),
                attempts,
                lastStatusCode,
                lastError,
                status == Status.PENDING ? nextAttemptAt : null,
                createdAt,
                finishedAt,
                attemptLog);
    }
}
