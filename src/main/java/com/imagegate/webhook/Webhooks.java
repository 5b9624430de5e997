package com.imagegate.webhook;

import java.util.List;
import java.util.Optional;

/**
 * Webhooks as a workspace sees them: its signing secret (made on first need, rotatable), its endpoints (URLs that
 * subscribe to {@link WebhookEventType event types}), and its deliveries with every attempt. A delivery is recorded
 * when a task with a {@code callback_url} ends (generation's {@code TaskEnded}), and for each event an enabled
 * endpoint subscribes to. Ids of another workspace are answered as unknown (empty, false).
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

    /** The most recent deliveries to one of the workspace's endpoints, newest first; empty for an unknown one. */
    List<WebhookDelivery> deliveries(String workspaceId, String endpointId, int limit);

    /** One delivery of this workspace with all its attempts; empty for an unknown id or another workspace's. */
    Optional<WebhookDelivery> delivery(String workspaceId, String deliveryId);

    /** The workspace's endpoints, oldest first. */
    List<WebhookEndpoint> endpoints(String workspaceId);

    Optional<WebhookEndpoint> endpoint(String workspaceId, String endpointId);

    /**
     * Adds an endpoint.
     *
     * @throws WebhookEndpointException when the request is refused (bad or private URL, overlong description, unknown
     *     or no event type, the workspace's limit reached); nothing was written
     */
    WebhookEndpoint createEndpoint(String workspaceId, EndpointRequest request);

    /**
     * Changes an endpoint (URL, description, event types, enabled); empty for an unknown one. Deliveries already
     * recorded keep the URL they were recorded with; disabling it ends their retries unsent.
     *
     * @throws WebhookEndpointException as {@link #createEndpoint}
     */
    Optional<WebhookEndpoint> updateEndpoint(String workspaceId, String endpointId, EndpointRequest request);

    /** Deletes an endpoint (its deliveries stay in the log; pending ones end unsent); false for an unknown one. */
    boolean deleteEndpoint(String workspaceId, String endpointId);

    /**
     * Sends a delivery's message again, as a new delivery (attempts of its own, {@link WebhookDelivery#resendOf()}
     * naming the original) with the same {@code webhook-id} and body, to the endpoint's current URL (a callback's to
     * its URL). Empty for an unknown delivery.
     *
     * @throws WebhookEndpointException when its endpoint was deleted or is disabled; nothing was written
     */
    Optional<WebhookDelivery> resend(String workspaceId, String deliveryId);
}
