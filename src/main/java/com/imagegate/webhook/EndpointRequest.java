package com.imagegate.webhook;

import java.util.List;

/**
 * An endpoint as an owner typed it, checked by {@link Webhooks#createEndpoint} and {@link Webhooks#updateEndpoint}.
 *
 * @param eventTypes wire names of event types ({@link WebhookEventType#wireValue()}), at least one
 */
public record EndpointRequest(String url, String description, List<String> eventTypes, boolean enabled) {

    public EndpointRequest {
        eventTypes = eventTypes == null ? List.of() : List.copyOf(eventTypes);
    }
}
