package com.imagegate.webhook;

import java.util.List;
import java.util.Optional;

/**
 * Task webhooks as a workspace sees them: its signing secret (made on first need, rotatable) and its deliveries with
 * every attempt. A delivery is recorded when a task with a {@code callback_url} ends (generation's {@code TaskEnded}).
 */
public interface Webhooks {

    /** The workspace's signing secret, made now if it has none yet. */
    WebhookSecret secret(String workspaceId);

    /**
     * Replaces the workspace's signing secret with a new one. The previous one keeps signing beside it (a second
     * {@code v1,} signature) for the configured grace period, so receivers can switch without losing deliveries.
     */
    WebhookSecret rotate(String workspaceId);

    /** The workspace's most recent deliveries, newest first (without their attempts). */
    List<WebhookDelivery> deliveries(String workspaceId, int limit);

    /** One delivery of this workspace with all its attempts; empty for an unknown id or another workspace's. */
    Optional<WebhookDelivery> delivery(String workspaceId, String deliveryId);
}
