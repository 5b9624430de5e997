/**
 * Webhooks: each workspace's signing secret (Standard Webhooks, rotatable with a grace period), the deliveries with
 * their attempt log ({@code webhook_secrets}, {@code webhook_deliveries}, {@code webhook_attempts}), and sending them:
 * signed POSTs through the fetch module's SSRF-guarded {@code SafeFetcher}, retried with exponential backoff as JobRunr jobs until
 * {@code imagegate.webhooks.max-age}.
 *
 * <p>Other modules feed it through events, never by calling it: today generation's {@code TaskEnded}, which is
 * published inside the transaction that ends a task and heard here by a plain synchronous listener, so a task's
 * delivery row commits with its ending or not at all; the first attempt is dispatched after the commit. Each attempt
 * builds the task's body fresh through generation's public {@code Generations.get} (image links are signed and expire).
 * The arrow is webhook → generation only.
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
        allowedDependencies = {"generation", "fetch"})
package com.imagegate.webhook;

import org.springframework.modulith.ApplicationModule;
