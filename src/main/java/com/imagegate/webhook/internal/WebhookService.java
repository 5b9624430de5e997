package com.imagegate.webhook.internal;

import com.imagegate.generation.TaskEnded;
import com.imagegate.webhook.WebhookDelivery;
import com.imagegate.webhook.WebhookSecret;
import com.imagegate.webhook.Webhooks;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Task webhooks: records the delivery in the transaction that ends a task (generation's {@link TaskEnded}, published at
 * every ending: success, failure, cancel, the sweeper's timeout), and shows a workspace its secret and deliveries.
 */
@Service
class WebhookService implements Webhooks {

    private final Deliveries deliveries;
    private final DeliveryAttempts attempts;
    private final SigningSecrets secrets;
    private final WebhookDeliverer deliverer;
    private final Clock clock;

    WebhookService(
            Deliveries deliveries,
            DeliveryAttempts attempts,
            SigningSecrets secrets,
            WebhookDeliverer deliverer,
            Clock clock) {
        this.deliveries = deliveries;
        this.attempts = attempts;
        this.secrets = secrets;
        this.deliverer = deliverer;
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
    public Optional<WebhookDelivery> delivery(String workspaceId, String deliveryId) {
        if (deliveryId == null || deliveryId.length() > 64) {
            return Optional.empty();
        }
        return deliveries
                .findByIdAndWorkspaceId(deliveryId, workspaceId)
                .map(d -> d.view(attempts.ofDelivery(d.id()).stream()
                        .map(DeliveryAttempt::view)
                        .toList()));
    }
}
