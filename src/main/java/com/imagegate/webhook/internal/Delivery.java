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
 * One webhook message to one URL: a task's callback ({@code callback_url}, {@code taskId} set, one per task), or one
 * workspace event sent to one endpoint ({@code eventType} and {@code endpointId} set). Written in the transaction of
 * its cause (so a cause is never without its delivery); its attempts are claimed by conditional updates in
 * {@link Deliveries}, so one attempt is made once. {@code messageId} is sent as {@code webhook-id}: a callback's own
 * id; for an event, the event's id, the same in every endpoint's delivery of it and in a resend.
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

    @Column(name = "task_id")
    private String taskId;

    @Column(name = "message_id")
    private String messageId;

    @Column(name = "event_type")
    private String eventType;

    @Column(name = "endpoint_id")
    private String endpointId;

    /** The task of a task.* event (task_id stays the callback's: it is unique). */
    @Column(name = "subject_id")
    private String subjectId;

    @Column(name = "event_at")
    private Instant eventAt;

    /** The whole body of an event whose body does not change; null for task bodies, built fresh at each attempt. */
    @Column(name = "payload")
    private String payload;

    @Column(name = "resend_of")
    private String resendOf;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(nullable = false)
    private String url;

    @Enumerated(EnumType.STRING)
    @Column(name = "task_status")
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
        this.messageId = id;
    }

    /** One event to one endpoint; {@code payload} null for a task event (its body is built at each attempt). */
    static Delivery event(
            String workspaceId,
            String endpointId,
            String url,
            String eventId,
            String eventType,
            Instant eventAt,
            String subjectTaskId,
            TaskStatus taskStatus,
            String payload,
            Instant now) {
        Delivery d = new Delivery();
        d.id = Ids.next("whmsg");
        d.workspaceId = workspaceId;
        d.endpointId = endpointId;
        d.url = url;
        d.messageId = eventId;
        d.eventType = eventType;
        d.eventAt = eventAt;
        d.subjectId = subjectTaskId;
        d.taskStatus = taskStatus;
        d.payload = payload;
        d.status = Status.PENDING;
        d.attempts = 0;
        d.nextAttemptAt = now;
        d.createdAt = now;
        return d;
    }

    /**
     * The same message again, as a new delivery with its own attempts, to {@code url} (the endpoint's current one,
     * or the callback's): same {@code webhook-id}, same body (a task's built fresh).
     */
    Delivery resend(String url, Instant now) {
        Delivery d = new Delivery();
        d.id = Ids.next("whmsg");
        d.workspaceId = workspaceId;
        d.endpointId = endpointId;
        d.url = url;
        d.messageId = messageId();
        d.eventType = eventType;
        d.eventAt = eventAt;
        d.subjectId = taskId != null ? taskId : subjectId;
        d.taskStatus = taskStatus;
        d.payload = payload;
        d.resendOf = id;
        d.status = Status.PENDING;
        d.attempts = 0;
        d.nextAttemptAt = now;
        d.createdAt = now;
        return d;
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

    /** The task whose body this delivery sends, or null (an event with a stored payload). */
    String bodyTaskId() {
        return taskId != null ? taskId : subjectId;
    }

    String messageId() {
        return messageId != null ? messageId : id;
    }

    String eventType() {
        return eventType;
    }

    String endpointId() {
        return endpointId;
    }

    Instant eventAt() {
        return eventAt;
    }

    String payload() {
        return payload;
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
                messageId(),
                eventType,
                endpointId,
                resendOf,
                bodyTaskId(),
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
