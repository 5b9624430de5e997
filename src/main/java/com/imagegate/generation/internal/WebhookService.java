package com.imagegate.generation.internal;

import com.imagegate.fetch.AddressPolicy;
import com.imagegate.fetch.FetchProperties;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.WebhookDelivery;
import com.imagegate.generation.WebhookProperties;
import com.imagegate.generation.WebhookSecret;
import com.imagegate.generation.Webhooks;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Task webhooks: checks a {@code callback_url} when a task is accepted, records the delivery in the transaction that
 * ends a task (every ending: success, failure, cancel, the sweeper's timeout), and shows a workspace its secret and
 * deliveries.
 */
@Service
class WebhookService implements Webhooks {

    private final Deliveries deliveries;
    private final DeliveryAttempts attempts;
    private final SigningSecrets secrets;
    private final WebhookDeliverer deliverer;
    private final WebhookProperties properties;
    private final FetchProperties fetch;
    private final Clock clock;

    WebhookService(
            Deliveries deliveries,
            DeliveryAttempts attempts,
            SigningSecrets secrets,
            WebhookDeliverer deliverer,
            WebhookProperties properties,
            FetchProperties fetch,
            Clock clock) {
        this.deliveries = deliveries;
        this.attempts = attempts;
        this.secrets = secrets;
        this.deliverer = deliverer;
        this.properties = properties;
        this.fetch = fetch;
        this.clock = clock;
    }

    /**
     * Refuses a callback URL we would never call: not https (unless the test-only {@code allow-http} is on), or a host
     * that is, or resolves to, a loopback, private, link-local, metadata or multicast address. Delivery checks the
     * address again when it connects (DNS may change in between).
     */
    void checkCallbackUrl(URI url) {
        if (url == null) {
            return;
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && properties.allowHttp())) {
            throw refused("callback_url must be an https URL.");
        }
        if (fetch.allowPrivateHosts()) {
            return;
        }
        String host = url.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".internal")) {
            throw refused("callback_url must not point at a private, loopback or link-local address.");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(
                    host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw refused("callback_url's host could not be found.");
        }
        if (!Arrays.stream(addresses).allMatch(AddressPolicy::isPublic)) {
            throw refused("callback_url must not point at a private, loopback or link-local address.");
        }
    }

    /**
     * Records the webhook of a task that has just ended, when it has a callback URL. Call inside the transaction that
     * ends the task: the delivery commits with the ending or not at all, and its first attempt starts after the commit.
     */
    void recordEnding(Task task, TaskStatus status) {
        if (task.callbackUrl() == null) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("a task ending is recorded inside the transaction that ends it");
        }
        Delivery delivery = deliveries.save(
                new Delivery(task.id(), task.workspaceId(), task.callbackUrl(), status, clock.instant()));
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

    private static InvalidRequestException refused(String message) {
        return new InvalidRequestException("callback_url", "invalid_value", message);
    }
}
