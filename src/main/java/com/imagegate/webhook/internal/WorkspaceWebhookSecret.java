package com.imagegate.webhook.internal;

import com.imagegate.AssignedIdEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A workspace's webhook signing secret, and the previous one while it still signs after a rotation. */
@Entity
@Table(name = "webhook_secrets")
class WorkspaceWebhookSecret extends AssignedIdEntity<String> {

    @Id
    @Column(name = "workspace_id")
    private String workspaceId;

    @Column(nullable = false)
    private String secret;

    @Column(name = "previous_secret")
    private String previousSecret;

    @Column(name = "previous_valid_until")
    private Instant previousValidUntil;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected WorkspaceWebhookSecret() {}

    WorkspaceWebhookSecret(String workspaceId, String secret, Instant now) {
        this.workspaceId = workspaceId;
        this.secret = secret;
        this.createdAt = now;
    }

    @Override
    public String getId() {
        return workspaceId;
    }

    String secret() {
        return secret;
    }

    Instant createdAt() {
        return createdAt;
    }

    /** The previous secret's end of grace, or null when it no longer signs. */
    Instant previousValidUntil(Instant now) {
        return previousSecret != null && previousValidUntil != null && previousValidUntil.isAfter(now)
                ? previousValidUntil
                : null;
    }

    /** The secrets that sign now: the current one first, then the previous one during its grace period. */
    List<String> signingSecrets(Instant now) {
        List<String> secrets = new ArrayList<>(List.of(secret));
        if (previousValidUntil(now) != null) {
            secrets.add(previousSecret);
        }
        return secrets;
    }

    void rotate(String newSecret, Instant now, Duration grace) {
        this.previousSecret = this.secret;
        this.previousValidUntil = grace.isZero() ? null : now.plus(grace);
        this.secret = newSecret;
        this.createdAt = now;
    }
}
