package com.imagegate.webhook;

import java.time.Instant;
import java.util.Set;

/**
 * A workspace's webhook endpoint: a URL that receives the events it subscribes to, signed with the workspace's
 * secret ({@link WebhookSecret}).
 *
 * @param enabled false: it receives nothing, and its pending retries end unsent
 */
public record WebhookEndpoint(
        String id,
        String url,
        String description,
        Set<WebhookEventType> eventTypes,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt) {}
