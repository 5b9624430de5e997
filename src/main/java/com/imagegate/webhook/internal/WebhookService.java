package com.imagegate.webhook.internal;

import com.imagegate.generation.TaskEnded;
import com.imagegate.webhook.EndpointRequest;
import com.imagegate.webhook.WebhookDelivery;
import com.imagegate.webhook.WebhookEndpoint;
import com.imagegate.webhook.WebhookEndpointException;
import com.imagegate.webhook.WebhookEventType;
import com.imagegate.webhook.WebhookProperties;
import com.imagegate.webhook.WebhookSecret;
import com.imagegate.webhook.Webhooks;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Webhooks as a workspace manages them: records a task's callback delivery in the transaction that ends the task
 * (generation's {@link TaskEnded}, published at every ending: success, failure, cancel, the sweeper's timeout); keeps
 * the workspace's endpoints (checked, at most {@code imagegate.webhooks.max-endpoints}); shows the secret and the
 * deliveries; resends a delivery. Workspace events become deliveries in {@link EventDeliveries}.
 */
@Service
class WebhookService implements Webhooks {

    static final int MAX_DESCRIPTION = 200;
    private static final int MAX_ID = 64;

    private final Deliveries deliveries;
    private final DeliveryAttempts attempts;
    private final Endpoints endpoints;
    private final EndpointUrls urls;
    private final SigningSecrets secrets;
    private final WebhookSecrets secretRows;
    private final WebhookDeliverer deliverer;
    private final WebhookProperties properties;
    private final TransactionTemplate transactions;
    private final Clock clock;

    WebhookService(
            Deliveries deliveries,
            DeliveryAttempts attempts,
            Endpoints endpoints,
            EndpointUrls urls,
            SigningSecrets secrets,
            WebhookSecrets secretRows,
            WebhookDeliverer deliverer,
            WebhookProperties properties,
            TransactionTemplate transactions,
            Clock clock) {
        this.deliveries = deliveries;
        this.attempts = attempts;
        this.endpoints = endpoints;
        this.urls = urls;
        this.secrets = secrets;
        this.secretRows = secretRows;
        this.deliverer = deliverer;
        this.properties = properties;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Records the webhook of a task that has just ended, when it has a callback URL. A plain (synchronous) listener:
     * it runs inside the transaction that ends the task, so the delivery commits with the ending or not at all, and
     * its first attempt starts after the commit.
     */
    @EventListener
    void recordEnding(TaskEnded ended) {
        if (ended.callbackUrl() == null) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("a task ending is recorded inside the transaction that ends it");
        }
        Delivery delivery = deliveries.save(new Delivery(
                ended.taskId(), ended.workspaceId(), ended.callbackUrl(), ended.status(), clock.instant()));
        String id = delivery.id();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                deliverer.dispatch(id);
            }
        });
    }

    @Override
    public WebhookSecret secret(String workspaceId) {
        return view(secrets.of(workspaceId));
    }

    @Override
    public WebhookSecret rotate(String workspaceId) {
        return view(secrets.rotate(workspaceId));
    }

    private WebhookSecret view(WorkspaceWebhookSecret secret) {
        Instant now = clock.instant();
        return new WebhookSecret(secret.secret(), secret.createdAt(), secret.previousValidUntil(now));
    }

    @Override
    public List<WebhookDelivery> deliveries(String workspaceId, int limit) {
        return deliveries.recent(workspaceId, PageRequest.of(0, Math.clamp(limit, 1, 100))).stream()
                .map(d -> d.view(List.of()))
                .toList();
    }

    @Override
    public List<WebhookDelivery> deliveries(String workspaceId, String endpointId, int limit) {
        if (endpointId == null || endpointId.length() > MAX_ID) {
            return List.of();
        }
        return deliveries
                .recentOfEndpoint(workspaceId, endpointId, PageRequest.of(0, Math.clamp(limit, 1, 100)))
                .stream()
                .map(d -> d.view(List.of()))
                .toList();
    }

    @Override
    public List<WebhookEndpoint> endpoints(String workspaceId) {
        return endpoints.ofWorkspace(workspaceId).stream().map(Endpoint::view).toList();
    }

    @Override
    public Optional<WebhookEndpoint> endpoint(String workspaceId, String endpointId) {
        return find(workspaceId, endpointId).map(Endpoint::view);
    }

    private Optional<Endpoint> find(String workspaceId, String endpointId) {
        if (endpointId == null || endpointId.length() > MAX_ID) {
            return Optional.empty();
        }
        return endpoints.findByIdAndWorkspaceId(endpointId, workspaceId);
    }

    /**
     * Not one transaction as a whole: the workspace's secret is made first (in a transaction of its own, so that two
     * first calls agree on one), then the creation runs in a transaction that <em>begins</em> by locking that secret
     * row, so creations in one workspace happen one after the other and the count read after the lock (its snapshot
     * taken then) sees every earlier creation: the limit holds under concurrency.
     */
    @Override
    public WebhookEndpoint createEndpoint(String workspaceId, EndpointRequest request) {
        Checked checked = check(request);
        secrets.of(workspaceId);
        return transactions.execute(status -> {
            secretRows.lockById(workspaceId).orElseThrow();
            if (endpoints.countByWorkspaceId(workspaceId) >= properties.maxEndpoints()) {
                throw new WebhookEndpointException(
                        null,
                        "A workspace can have at most " + properties.maxEndpoints()
                                + " endpoints. Delete one you no longer use first.");
            }
            Instant now = clock.instant();
            Endpoint endpoint = new Endpoint(workspaceId, now);
            endpoint.set(checked.url(), checked.description(), checked.types(), request.enabled(), now);
            return endpoints.save(endpoint).view();
        });
    }

    @Override
    @Transactional
    public Optional<WebhookEndpoint> updateEndpoint(String workspaceId, String endpointId, EndpointRequest request) {
        Optional<Endpoint> found = find(workspaceId, endpointId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Checked checked = check(request);
        Endpoint endpoint = found.get();
        endpoint.set(checked.url(), checked.description(), checked.types(), request.enabled(), clock.instant());
        return Optional.of(endpoints.save(endpoint).view());
    }

    @Override
    @Transactional
    public boolean deleteEndpoint(String workspaceId, String endpointId) {
        Optional<Endpoint> found = find(workspaceId, endpointId);
        found.ifPresent(endpoints::delete);
        return found.isPresent();
    }

    private record Checked(String url, String description, Set<WebhookEventType> types) {}

    private Checked check(EndpointRequest request) {
        String url = urls.check(request.url());
        String description =
                request.description() == null ? "" : request.description().strip();
        if (description.length() > MAX_DESCRIPTION) {
            throw new WebhookEndpointException(
                    "description", "The description is too long: at most " + MAX_DESCRIPTION + " characters.");
        }
        if (description.chars().anyMatch(Character::isISOControl)) {
            throw new WebhookEndpointException("description", "The description must be a single line of text.");
        }
        Set<WebhookEventType> types = EnumSet.noneOf(WebhookEventType.class);
        for (String wire : request.eventTypes()) {
            types.add(WebhookEventType.fromWire(wire)
                    .orElseThrow(() -> new WebhookEndpointException(
                            "eventTypes",
                            "Unknown event type \""
                                    + (wire == null ? "" : wire.length() > 40 ? wire.substring(0, 40) + "…" : wire)
                                    + "\".")));
        }
        if (types.isEmpty()) {
            throw new WebhookEndpointException("eventTypes", "Choose at least one event type.");
        }
        return new Checked(url, description, types);
    }

    @Override
    @Transactional
    public Optional<WebhookDelivery> resend(String workspaceId, String deliveryId) {
        if (deliveryId == null || deliveryId.length() > MAX_ID) {
            return Optional.empty();
        }
        Optional<Delivery> found = deliveries.findByIdAndWorkspaceId(deliveryId, workspaceId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Delivery original = found.get();
        String url = original.url();
        if (original.endpointId() != null) {
            Endpoint endpoint = endpoints
                    .findByIdAndWorkspaceId(original.endpointId(), workspaceId)
                    .orElseThrow(() -> new WebhookEndpointException(
                            null, "Its endpoint was deleted: there is nowhere to resend it."));
            if (!endpoint.enabled()) {
                throw new WebhookEndpointException(null, "Its endpoint is disabled: enable it to resend.");
            }
            url = endpoint.url();
        }
        Delivery again = deliveries.save(original.resend(url, clock.instant()));
        String id = again.id();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                deliverer.dispatch(id);
            }
        });
        return Optional.of(again.view(List.of()));
    }

    @Override
    public Optional<WebhookDelivery> delivery(String workspaceId, String deliveryId) {
        if (deliveryId == null || deliveryId.length() > MAX_ID) {
            return Optional.empty();
        }
        return deliveries
                .findByIdAndWorkspaceId(deliveryId, workspaceId)
                .map(d -> d.view(attempts.ofDelivery(d.id()).stream()
                        .map(DeliveryAttempt::view)
                        .toList()));
    }
}
