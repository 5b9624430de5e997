package com.imagegate.webhook.internal;

import com.imagegate.Ids;
import com.imagegate.billing.TopUpFailed;
import com.imagegate.billing.TopUpSucceeded;
import com.imagegate.credits.BalanceLow;
import com.imagegate.credits.CreditsRefunded;
import com.imagegate.credits.KeyBudgetReached;
import com.imagegate.generation.TaskEnded;
import com.imagegate.generation.TaskStatus;
import com.imagegate.webhook.WebhookEventType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns other modules' events into workspace webhook events: one event id, and one delivery per enabled endpoint of
 * the workspace that subscribes to the type. Plain synchronous listeners, so the deliveries are written inside the
 * publisher's transaction and commit with their cause or not at all (an alert mark or a refund that rolls back leaves
 * no delivery; a node dying after the commit loses none); the first attempts start after the commit. An event
 * published outside any transaction is recorded in a transaction of its own.
 *
 * <p>A canceled task is no event: the customer canceled it themselves, and the event types name only success
 * and failure (its {@code callback_url}, if any, is still called).
 */
@Component
class EventDeliveries {

    private final Endpoints endpoints;
    private final Deliveries deliveries;
    private final WebhookDeliverer deliverer;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;

    EventDeliveries(
            Endpoints endpoints,
            Deliveries deliveries,
            WebhookDeliverer deliverer,
            TransactionTemplate transactions,
            JsonMapper json,
            Clock clock) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.deliverer = deliverer;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
    }

    @EventListener
    void on(TaskEnded ended) {
        WebhookEventType type = switch (ended.status()) {
            case SUCCEEDED -> WebhookEventType.TASK_SUCCEEDED;
            case FAILED -> WebhookEventType.TASK_FAILED;
            default -> null;
        };
        if (type != null) {
            record(ended.workspaceId(), type, clock.instant(), ended.taskId(), ended.status(), null);
        }
    }

    @EventListener
    void on(BalanceLow low) {
        var data = data(low.workspaceId());
        data.put("balance", low.balance());
        data.put("threshold", low.threshold());
        record(low.workspaceId(), WebhookEventType.BALANCE_LOW, clock.instant(), null, null, data);
    }

    @EventListener
    void on(KeyBudgetReached reached) {
        var data = data(reached.workspaceId());
        data.put("api_key_id", reached.apiKeyId());
        data.put("level", reached.level());
        data.put("period", reached.period().value());
        data.put("period_start", reached.periodStart().toString());
        data.put("resets_at", reached.resetsAt().toString());
        data.put("budget", reached.budget());
        data.put("spent", reached.spent());
        data.put("refused_credits", reached.refused());
        record(reached.workspaceId(), WebhookEventType.BUDGET_REACHED, clock.instant(), null, null, data);
    }

    @EventListener
    void on(TopUpSucceeded topUp) {
        var data = data(topUp.workspaceId());
        data.put("top_up_id", topUp.topUpId());
        data.put("pack_id", topUp.packId());
        data.put("credits", topUp.credits());
        data.put("amount_cents", topUp.amountCents());
        data.put("currency", topUp.currency());
        data.put("balance_after", topUp.balanceAfter());
        record(topUp.workspaceId(), WebhookEventType.TOPUP_SUCCEEDED, at(topUp.at()), null, null, data);
    }

    @EventListener
    void on(TopUpFailed topUp) {
        var data = data(topUp.workspaceId());
        data.put("top_up_id", topUp.topUpId());
        data.put("pack_id", topUp.packId());
        data.put("reason", topUp.reason());
        data.put("message", topUp.message());
        data.put("failures_in_a_row", topUp.failuresInARow());
        data.put("paused", topUp.paused());
        record(topUp.workspaceId(), WebhookEventType.TOPUP_FAILED, at(topUp.at()), null, null, data);
    }

    @EventListener
    void on(CreditsRefunded refunded) {
        var data = data(refunded.workspaceId());
        data.put("task_id", refunded.taskId());
        data.put("credits", refunded.credits());
        data.put("ledger_entry_id", refunded.ledgerEntryId());
        record(refunded.workspaceId(), WebhookEventType.CREDITS_REFUNDED, at(refunded.at()), null, null, data);
    }

    private Instant at(Instant at) {
        return at != null ? at : clock.instant();
    }

    private static Map<String, Object> data(String workspaceId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workspace_id", workspaceId);
        return data;
    }

    /** The Standard Webhooks body: {@code {"type", "timestamp", "data"}}. */
    static Map<String, Object> envelope(String type, Instant at, Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("timestamp", at.toString());
        body.put("data", data);
        return body;
    }

    /** {@code data} null: a task event, whose body is built at each attempt. */
    private void record(
            String workspaceId,
            WebhookEventType type,
            Instant at,
            String taskId,
            TaskStatus taskStatus,
            Map<String, Object> data) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            List<String> ids = write(workspaceId, type, at, taskId, taskStatus, data);
            if (!ids.isEmpty()) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        ids.forEach(deliverer::dispatch);
                    }
                });
            }
        } else {
            List<String> ids = transactions.execute(status -> write(workspaceId, type, at, taskId, taskStatus, data));
            if (ids != null) {
                ids.forEach(deliverer::dispatch);
            }
        }
    }

    private List<String> write(
            String workspaceId,
            WebhookEventType type,
            Instant at,
            String taskId,
            TaskStatus taskStatus,
            Map<String, Object> data) {
        List<Endpoint> targets = endpoints.ofWorkspace(workspaceId).stream()
                .filter(e -> e.receives(type))
                .toList();
        if (targets.isEmpty()) {
            return List.of();
        }
        String eventId = Ids.next("evt");
        String payload = data == null ? null : json.writeValueAsString(envelope(type.wireValue(), at, data));
        Instant now = clock.instant();
        List<String> ids = new ArrayList<>();
        for (Endpoint endpoint : targets) {
            ids.add(deliveries
                    .save(Delivery.event(
                            workspaceId,
                            endpoint.id(),
                            endpoint.url(),
                            eventId,
                            type.wireValue(),
                            at,
                            taskId,
                            taskStatus,
                            payload,
                            now))
                    .id());
        }
        return ids;
    }
}
