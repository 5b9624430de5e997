package com.imagegate.webhook.internal;

import com.imagegate.AssignedIdEntity;
import com.imagegate.Ids;
import com.imagegate.webhook.WebhookDelivery;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One POST of a webhook to its receiver, as it went. Written once, never changed. */
@Entity
@Table(name = "webhook_attempts")
class DeliveryAttempt extends AssignedIdEntity<String> {

    @Id
    private String id;

    @Column(name = "delivery_id", nullable = false)
    private String deliveryId;

    @Column(name = "task_id")
    private String taskId;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(nullable = false)
    private int attempt;

    @Column(name = "attempted_at", nullable = false)
    private Instant attemptedAt;

    @Column(name = "status_code")
    private Integer statusCode;

    @Column(name = "duration_ms", nullable = false)
    private long durationMs;

    @Column
    private String error;

    @Column(name = "next_retry_at")
    private Instant nextRetryAt;

    protected DeliveryAttempt() {}

    DeliveryAttempt(
            Delivery delivery,
            int attempt,
            Instant attemptedAt,
            Integer statusCode,
            long durationMs,
            String error,
            Instant nextRetryAt) {
        this.id = Ids.next("whatt");
        this.deliveryId = delivery.id();
        this.taskId = delivery.bodyTaskId();
        this.workspaceId = delivery.workspaceId();
        this.attempt = attempt;
        this.attemptedAt = attemptedAt;
        this.statusCode = statusCode;
        this.durationMs = durationMs;
        this.error = error;
        this.nextRetryAt = nextRetryAt;
    }

    @Override
    public String getId() {
        return id;
    }

    WebhookDelivery.Attempt view() {
        return new WebhookDelivery.Attempt(attempt, attemptedAt, statusCode, durationMs, error, nextRetryAt);
    }
}
