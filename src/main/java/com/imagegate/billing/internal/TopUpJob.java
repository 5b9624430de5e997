package com.imagegate.billing.internal;

import com.imagegate.credits.TopUpThresholdCrossed;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.scheduling.JobScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * One automatic top-up per crossing of the threshold. After the commit of the transaction that crossed it, a durable
 * JobRunr job is enqueued with an id derived from the crossing (so enqueuing it twice keeps one job); the job makes the
 * crossing's one attempt row and charges the saved card off-session with the attempt's id as Stripe's idempotency key.
 * A retried job, on any node, finds the same attempt and gets the same PaymentIntent back: never a second charge. The
 * answer only records the PaymentIntent or the failure; credits come from the signed webhook ({@link TopUpEvents}).
 */
@Component
public class TopUpJob {

    private static final Logger log = LoggerFactory.getLogger(TopUpJob.class);

    private final TopUpService topUps;
    private final StripeGateway stripe;
    private final JobScheduler jobs;

    TopUpJob(TopUpService topUps, StripeGateway stripe, @Lazy JobScheduler jobs) {
        this.topUps = topUps;
        this.stripe = stripe;
        this.jobs = jobs;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void on(TopUpThresholdCrossed crossed) {
        String workspaceId = crossed.workspaceId();
        String crossing = crossed.crossingId();
        jobs.enqueue(jobId(crossing), () -> run(workspaceId, crossing));
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
