package com.imagegate.webhook.internal;

import com.imagegate.AssignedIdEntity;
import com.imagegate.Ids;
import com.imagegate.webhook.WebhookEndpoint;
import com.imagegate.webhook.WebhookEventType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** A workspace's webhook endpoint; its event types are kept as their wire names, comma-separated. */
@Entity
@Table(name = "webhook_endpoints")
class Endpoint extends AssignedIdEntity<String> {

    @Id
    private String id;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(nullable = false)
    private String url;

    @Column(nullable = false)
    private String description;

    @Column(name = "event_types", nullable = false)
    private String eventTypes;

    @Column(nullable = false)
    private boolean enabled;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Endpoint() {}

    Endpoint(String workspaceId, Instant now) {
        this.id = Ids.next("whep");
        this.workspaceId = workspaceId;
        this.createdAt = now;
    }

    void set(String url, String description, Collection<WebhookEventType> types, boolean enabled, Instant now) {
        this.url = url;
        this.description = description;
        this.eventTypes =
                types.stream().sorted().map(WebhookEventType::wireValue).collect(Collectors.joining(","));
        this.enabled = enabled;
        this.updatedAt = now;
    }

    @Override
    public String getId() {
        return id;
    }

    String id() {
        return id;
    }

    String workspaceId() {
        return workspaceId;
    }

    String url() {
        return url;
    }

    boolean enabled() {
        return enabled;
    }

    Set<WebhookEventType> types() {
        Set<WebhookEventType> types = EnumSet.noneOf(WebhookEventType.class);
        Arrays.stream(eventTypes.split(","))
                .map(WebhookEventType::fromWire)
                .flatMap(Optional::stream)
                .forEach(types::add);
        return types;
    }

    boolean receives(WebhookEventType type) {
        return enabled && types().contains(type);
    }

    WebhookEndpoint view() {
        return new WebhookEndpoint(id, url, description, types(), enabled, createdAt, updatedAt);
    }
}
