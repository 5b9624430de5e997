package com.imagegate.billing.internal;

import com.imagegate.credits.TopUpThresholdCrossed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.jobs.annotations.Recurring;
import org.jobrunr.scheduling.JobScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * One automatic top-up per crossing of the threshold. After the commit of the transaction that crossed it, a durable
 * JobRunr job is enqueued with an id derived from the crossing (so enqueuing it twice keeps one job); the job makes the
 * crossing's one attempt row and charges the saved card off-session with the attempt's id as Stripe's idempotency key.
 * A retried job, on any node, finds the same attempt and gets the same PaymentIntent back: never a second charge. The
 * crossing is also noted, inside its own transaction, as undecided until the job decides it; {@link #sweep()} enqueues
 * the job again for a note a minute old (its node died between the commit and the enqueue). The
 * answer only records the PaymentIntent or the failure; credits come from the signed webhook ({@link TopUpEvents}).
 */
@Component
public class TopUpJob {

    private static final Logger log = LoggerFactory.getLogger(TopUpJob.class);

    /** How long after its crossing an undecided crossing counts as lost (its job normally runs within seconds). */
    static final Duration GRACE = Duration.ofMinutes(1);

    /** Crossings enqueued per sweep at most; the rest, oldest first, a minute later. */
    static final int PAGE = 100;

    private final TopUpService topUps;
    private final StripeGateway stripe;
    private final JobScheduler jobs;

    TopUpJob(TopUpService topUps, StripeGateway stripe, @Lazy JobScheduler jobs) {
        this.topUps = topUps;
        this.stripe = stripe;
        this.jobs = jobs;
    }

    /**
     * Inside the transaction that crossed: the crossing is noted as undecided, committed with it (or rolled back with
     * it), so the sweep finds it if the enqueue after the commit never happens.
     */
    @EventListener
    void note(TopUpThresholdCrossed crossed) {
        topUps.noteCrossing(crossed.workspaceId(), crossed.crossingId());
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void on(TopUpThresholdCrossed crossed) {
        String workspaceId = crossed.workspaceId();
        String crossing = crossed.crossingId();
        jobs.enqueue(jobId(crossing), () -> run(workspaceId, crossing));
    }

    /**
     * Backstop, once a minute on one node: a crossing still undecided a minute after it was made lost its job (the
     * node died between the commit and the enqueue); it is enqueued again under the same job id, so a job that exists
     * already is kept as it is, and the crossing's one attempt and its idempotency key keep it one charge whoever runs.
     */
    @Recurring(id = "imagegate-topup-sweeper", interval = "PT1M")
    @Job(name = "Sweep auto top-up crossings")
    public void sweep() {
        for (var lost : topUps.undecidedCrossings(GRACE, PAGE)) {
            String workspaceId = lost.workspaceId();
            String crossing = lost.crossing();
            log.info("Auto top-up crossing {} of {} has no attempt yet; enqueuing its job", crossing, workspaceId);
            jobs.enqueue(jobId(crossing), () -> run(workspaceId, crossing));
        }
    }

    static UUID jobId(String crossing) {
        return UUID.nameUUIDFromBytes(("topup:" + crossing).getBytes(StandardCharsets.UTF_8));
    }

    @Job(name = "Auto top-up %0 (crossing %1)", retries = 5)
    public void run(String workspaceId, String crossing) {
        var attempt = topUps.attemptFor(workspaceId, crossing).orElse(null);
        if (attempt == null || !"PENDING".equals(attempt.status())) {
            return; // off, paused, over the monthly maximum, or already decided
        }
        var card = topUps.paymentMethod(workspaceId);
        if (card.isEmpty()) {
            topUps.fail(attempt.id(), "no_payment_method", null, null);
            return;
        }
        // Throws when Stripe cannot be reached: JobRunr retries, and the idempotency key keeps it one PaymentIntent.
        var charge = stripe.chargeOffSession(
                attempt.id(),
                card.get()[0],
                card.get()[1],
                attempt.amountCents(),
                attempt.currency(),
                Map.of(
                        "workspace_id", workspaceId,
                        "topup_id", attempt.id(),
                        "product", attempt.pack()));
        if (charge.refused()) {
            String reason = "authentication_required".equals(charge.errorCode())
                    ? "authentication_required"
                    : "card_declined".equals(charge.errorCode()) ? "card_declined" : "payment_failed";
            log.info("Auto top-up {} of {} refused: {}", attempt.id(), workspaceId, charge.errorCode());
            topUps.fail(attempt.id(), reason, charge.errorMessage(), charge.paymentIntentId());
            return;
        }
        topUps.recordIntent(attempt.id(), charge.paymentIntentId());
        if ("requires_action".equals(charge.status()) || "requires_payment_method".equals(charge.status())) {
            topUps.fail(
                    attempt.id(),
                    "requires_action".equals(charge.status()) ? "authentication_required" : "payment_failed",
                    null,
                    charge.paymentIntentId());
        }
        // succeeded or processing: the webhook grants the credits
    }
}
