/**
 * Webhooks: each workspace's signing secret (Standard Webhooks, rotatable with a grace period), its endpoints
 * ({@code webhook_endpoints}: URLs subscribed to event types, signed with that same workspace secret, so a receiver
 * verifies task callbacks and events alike), the deliveries with their attempt log ({@code webhook_secrets},
 * {@code webhook_deliveries}, {@code webhook_attempts}), and sending them:
 * signed POSTs through the fetch module's SSRF-guarded {@code SafeFetcher}, retried with exponential backoff as JobRunr jobs until
 * {@code imagegate.webhooks.max-age}.
 *
 * <p>Other modules feed it through events, never by calling it: generation's {@code TaskEnded} (a task's callback,
 * and the {@code task.succeeded} / {@code task.failed} events; a canceled task is no event), credits'
 * {@code BalanceLow} ({@code balance.low}), {@code KeyBudgetReached} ({@code budget.reached}) and
 * {@code CreditsRefunded} ({@code credits.refunded}, published by the admin refund), billing's {@code TopUpSucceeded}
 * and {@code TopUpFailed} ({@code topup.*}). All are heard by plain synchronous listeners, <em>inside</em> the
 * publisher's transaction, although credits and billing say their events may be heard after the commit: the delivery
 * rows then commit with their cause or not at all (a crossing's "alert sent" mark, a refund, a grant), so an event is
 * never lost between a commit and a listener, nor sent for a cause that rolled back; the cost is a few inserts in the
 * cause's transaction. The first attempts are dispatched after the commit. An event published outside a transaction
 * is recorded in one of its own. Each attempt of a task's delivery builds the task's body fresh through generation's
 * public {@code Generations.get} (image links are signed and expire); other events' bodies are stored when they
 * happen. The arrows are webhook → generation, credits, billing, fetch; only web depends on this module.
 *
 * <p>The {@code callback_url} check at task acceptance (https only unless the test-only
 * {@code imagegate.webhooks.allow-http}; no private, loopback, link-local or unresolvable host unless
 * {@code imagegate.fetch.allow-private-hosts}) stays in generation ({@code CallbackUrls}): it is validation of a task
 * request, answered with the request's 400 before anything is written, and calling into this module from there would
 * make the arrows a cycle. It reads {@code allow-http} by its property name, the same key {@link
 * com.imagegate.webhook.WebhookProperties} binds. Delivery checks the receiver's address again when it connects.
 */
@ApplicationModule(
        displayName = "Webhooks",
        allowedDependencies = {"generation", "fetch", "credits", "billing"})
package com.imagegate.webhook;

import org.springframework.modulith.ApplicationModule;
