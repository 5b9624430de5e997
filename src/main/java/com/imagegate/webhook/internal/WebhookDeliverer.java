package com.imagegate.webhook.internal;

import com.imagegate.fetch.FetchException;
import com.imagegate.fetch.FetchProperties;
import com.imagegate.fetch.SafeFetcher;
import com.imagegate.generation.Generations;
import com.imagegate.generation.TaskBody;
import com.imagegate.webhook.WebhookProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.jobs.annotations.Recurring;
import org.jobrunr.scheduling.JobScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends webhooks. Every attempt has a durable JobRunr job (scheduled at its due time, with an id derived from the
 * delivery and the attempt number, so it exists once); this node also makes the attempt itself when it is due soon
 * (at once after the task ended, and for short backoffs), because JobRunr polls only every 5 s. Whoever claims the
 * attempt first (a conditional update) sends it; the other finds it taken and does nothing.
 *
 * <p>An attempt POSTs the body (a task's built fresh, so its image links are fresh; see {@link #body}) signed per
 * Standard Webhooks with every secret that signs now, under the delivery's message id as {@code webhook-id}. An
 * endpoint's delivery whose endpoint was disabled or deleted ends failed at its next attempt, unsent. Any 2xx is a success; anything else, no answer in time, or a refused address is a
 * failure, retried after an exponential backoff until {@code max-age} after the task ended.
 */
@Component
public class WebhookDeliverer implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WebhookDeliverer.class);
    /** Attempts due within this time are also made by this node (the JobRunr job stays the backstop). */
    private static final Duration LOCAL_HORIZON = Duration.ofSeconds(60);
    /** How long a claimed attempt keeps its delivery from being claimed again beyond the attempt's timeout. */
    private static final Duration CLAIM_MARGIN = Duration.ofSeconds(60);

    private static final int MAX_LOCAL_SENDS = 16;
    private static final int MAX_ERROR = 500;

    private final Deliveries deliveries;
    private final Endpoints endpoints;
    private final DeliveryAttempts attempts;
    private final SigningSecrets secrets;
    private final Generations generations;
    private final JsonMapper json;
    private final JobScheduler jobs;
    private final TransactionTemplate transactions;
    private final WebhookProperties properties;
    private final Clock clock;
    private final SafeFetcher sender;
    private final Semaphore localSends = new Semaphore(MAX_LOCAL_SENDS);
    private final ExecutorService local = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "webhook-retry-timer");
        thread.setDaemon(true);
        return thread;
    });

    private final MeterRegistry registry;

    WebhookDeliverer(
            Deliveries deliveries,
            Endpoints endpoints,
            DeliveryAttempts attempts,
            SigningSecrets secrets,
            Generations generations,
            JsonMapper json,
            @Lazy JobScheduler jobs,
            TransactionTemplate transactions,
            WebhookProperties properties,
            FetchProperties fetch,
            Clock clock,
            MeterRegistry registry) {
        this.registry = registry;
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.attempts = attempts;
        this.secrets = secrets;
        this.generations = generations;
        this.json = json;
        this.jobs = jobs;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
        // The attempt's timeout is its whole budget: a receiver that trickles its answer cannot hold the claim past it.
        this.sender = new SafeFetcher(fetch.allowPrivateHosts(), properties.timeout(), properties.timeout());
    }

    /** Call after the delivery's transaction committed: schedules its first attempt, due now. */
    void dispatch(String deliveryId) {
        try {
            schedule(deliveryId, 1, clock.instant());
        } catch (RuntimeException e) {
            // The task's ending has committed; never fail it for this. The sweeper finds the delivery overdue.
            log.warn("Could not schedule webhook {}; the sweeper will: {}", deliveryId, e.toString());
        }
    }

    /** The durable path of one attempt (and of any later one found due). */
    @Job(name = "Deliver webhook %0", retries = 2)
    public void deliver(String deliveryId) {
        attempt(deliveryId);
    }

    /**
     * Backstop, once a minute on one node: a pending delivery overdue by more than a minute lost its job (its node
     * died mid-attempt, after the claim); it gets a new one (one per delivery per five-minute window).
     */
    @Recurring(id = "imagegate-webhook-sweeper", interval = "PT1M")
    @Job(name = "Sweep webhook deliveries")
    public void sweep() {
        Instant now = clock.instant();
        long window = now.getEpochSecond() / 300;
        for (String id : deliveries.findOverdue(now.minus(Duration.ofMinutes(1)), PageRequest.of(0, 200))) {
            jobs.enqueue(uuid("webhook-restart:" + id + ":" + window), () -> deliver(id));
        }
    }

    /** Makes the next attempt of the delivery if it is due and nobody else took it. */
    void attempt(String deliveryId) {
        Delivery delivery = deliveries.findById(deliveryId).orElse(null);
        Instant now = clock.instant();
        if (delivery == null
                || delivery.status() != Delivery.Status.PENDING
                || delivery.nextAttemptAt().isAfter(now)) {
            return; // ended, or not due: the attempt that is due later has its own job
        }
        int number = delivery.attempts() + 1;
        Instant hold = now.plus(properties.timeout()).plus(CLAIM_MARGIN);
        Integer claimed = transactions.execute(status -> deliveries.claim(deliveryId, delivery.attempts(), now, hold));
        if (claimed == null || claimed != 1) {
            return;
        }
        long started = System.nanoTime();
        Integer statusCode = null;
        String error = null;
        boolean unsendable = false;
        try {
            if (delivery.endpointId() != null
                    && !endpoints
                            .findById(delivery.endpointId())
                            .map(Endpoint::enabled)
                            .orElse(false)) {
                // Disabled or deleted since the event: the owner asked for nothing more to go there.
                unsendable = true;
                error = "Not sent: the endpoint was disabled or deleted.";
            } else {
                statusCode = send(delivery);
                if (statusCode < 200 || statusCode > 299) {
                    error = "The receiver answered HTTP " + statusCode
                            + (statusCode >= 300 && statusCode < 400 ? " (redirects are not followed)." : ".");
                }
            }
        } catch (FetchException e) {
            error = "Not delivered: " + e.getMessage() + ".";
        } catch (RuntimeException e) {
            log.error("Webhook {} attempt {} failed unexpectedly", deliveryId, number, e);
            error = "Not delivered: internal error.";
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        Instant end = clock.instant();
        Delivery.Status outcome;
        Instant next = null;
        if (error == null) {
            outcome = Delivery.Status.SUCCEEDED;
        } else if (unsendable) {
            outcome = Delivery.Status.FAILED;
        } else {
            Instant candidate = end.plus(properties.backoffAfter(number));
            if (candidate.isAfter(delivery.createdAt().plus(properties.maxAge()))) {
                outcome = Delivery.Status.FAILED;
            } else {
                outcome = Delivery.Status.PENDING;
                next = candidate;
            }
        }
        Counter.builder("imagegate.webhooks.attempts")
                .description("Webhook delivery attempts, by outcome")
                .tag(
                        "outcome",
                        error == null
                                ? "delivered"
                                : unsendable ? "endpoint_off" : outcome == Delivery.Status.FAILED ? "gave_up" : "retry")
                .register(registry)
                .increment();
        Instant nextAttempt = next;
        Integer code = statusCode;
        String shown = error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
        transactions.executeWithoutResult(status -> {
            attempts.save(new DeliveryAttempt(delivery, number, now, code, millis, shown, nextAttempt));
            if (deliveries.record(
                            deliveryId,
                            number,
                            outcome,
                            code,
                            shown,
                            nextAttempt,
                            outcome == Delivery.Status.PENDING ? null : end)
                    != 1) {
                throw new IllegalStateException("webhook " + deliveryId + " attempt " + number + " lost its claim");
            }
        });
        if (nextAttempt != null) {
            schedule(deliveryId, number + 1, nextAttempt);
        } else if (outcome == Delivery.Status.FAILED) {
            log.warn("Webhook {} ({}) ended failed after {} attempts", deliveryId, delivery.bodyTaskId(), number);
        }
    }

    /**
     * The body an attempt sends: a callback's is the task body; a task event's is the event envelope around the task
     * body; any other event's is the envelope stored when the event happened.
     */
    private byte[] body(Delivery delivery) {
        if (delivery.payload() != null) {
            return delivery.payload().getBytes(StandardCharsets.UTF_8);
        }
        // Read through generation's API at each attempt: the body's image links are signed and expire.
        TaskBody task = TaskBody.of(generations.get(delivery.workspaceId(), delivery.bodyTaskId()));
        if (delivery.eventType() == null) {
            return json.writeValueAsBytes(task);
        }
        return json.writeValueAsBytes(EventDeliveries.envelope(delivery.eventType(), delivery.eventAt(), task));
    }

    /** POSTs the body, signed; returns the receiver's HTTP status. */
    private int send(Delivery delivery) {
        byte[] body = body(delivery);
        Instant now = clock.instant();
        long timestamp = now.getEpochSecond();
        String signature = WebhookSignatures.header(
                secrets.of(delivery.workspaceId()).signingSecrets(now), delivery.messageId(), timestamp, body);
        return sender.post(
                URI.create(delivery.url()),
                body,
                "application/json",
                Map.of(
                        "webhook-id",
                        delivery.messageId(),
                        "webhook-timestamp",
                        Long.toString(timestamp),
                        "webhook-signature",
                        signature,
                        "User-Agent",
                        "Imagegate-Webhooks/1.0"));
    }

    private void schedule(String deliveryId, int attempt, Instant at) {
        jobs.schedule(uuid("webhook:" + deliveryId + ":" + attempt), at, () -> deliver(deliveryId));
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        if (delay <= LOCAL_HORIZON.toMillis()) {
            try {
                timer.schedule(() -> runLocally(deliveryId), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                // the JobRunr job makes the attempt
            }
        }
    }

    private void runLocally(String deliveryId) {
        if (!localSends.tryAcquire()) {
            return; // busy: the JobRunr job makes this attempt
        }
        try {
            local.submit(() -> {
                try {
                    attempt(deliveryId);
                } catch (RuntimeException e) {
                    log.warn("Local webhook attempt of {} failed; JobRunr takes over: {}", deliveryId, e.toString());
                } finally {
                    localSends.release();
                }
            });
        } catch (RuntimeException rejected) {
            localSends.release();
        }
    }

    private static UUID uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void destroy() throws Exception {
        timer.shutdownNow();
        local.shutdown();
        sender.close();
    }
}
