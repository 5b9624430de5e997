package com.imagegate.billing;

import com.imagegate.account.Member;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Automatic top-up: when the workspace's balance falls below a threshold, buy a pack with the card saved for it, at
 * most so many times a calendar month (UTC). Only owners save a card and change the settings. Each crossing of the
 * threshold makes at most one attempt and one Stripe PaymentIntent (its idempotency key is the attempt's id), on
 * whichever node; its credits are granted only by Stripe's signed {@code payment_intent.succeeded} webhook. Three
 * failures in a row pause it until an owner enables it again.
 */
public interface AutoTopUp {

    /** The most top-ups a month an owner can allow. */
    int MAX_MONTHLY = 100;

    /** Failures in a row that pause automatic top-up. */
    int PAUSE_AFTER_FAILURES = 3;

    /** The workspace's settings, saved card and this month's use (defaults when nothing is saved). */
    Settings settings(String workspaceId);

    /**
     * Starts a Stripe Checkout in setup mode that saves a card for automatic top-up; the card is recorded by the
     * signed {@code checkout.session.completed} webhook.
     *
     * @return the Stripe-hosted page to send the browser to
     * @throws BillingException when payments are off, the member is not an owner, purchases are suspended or Stripe
     *     cannot be reached
     */
    URI saveCard(Member member);

    /** Forgets the saved card and disables automatic top-up. */
    void removeCard(Member member);

    /**
     * Validates and saves the settings. Saved enabled while the balance is already below the threshold, a top-up
     * starts at once.
     *
     * @throws InvalidSettings with a message per field; nothing is saved
     * @throws BillingException when payments are off or the member is not an owner
     */
    Settings save(Member member, Form form);

    /** The workspace's top-up attempts, newest first. */
    List<Attempt> attempts(String workspaceId, int limit);

    /** What an owner typed. */
    record Form(String threshold, String pack, String monthlyMax, boolean enabled) {}

    /**
     * @param threshold top up when the balance falls below this many credits (null: never set)
     * @param monthlyMax at most this many top-ups (charged or pending) per calendar month, UTC
     * @param paused paused after {@link #PAUSE_AFTER_FAILURES} failures in a row; saving enabled again resets it
     * @param card the saved card, or null
     * @param usedThisMonth top-ups charged or pending this month
     */
    record Settings(
            boolean enabled,
            Long threshold,
            String pack,
            Integer monthlyMax,
            boolean paused,
            int failuresInARow,
            Card card,
            int usedThisMonth) {}

    /** A saved card: what Stripe tells of it (brand and last four digits, when it is a card). */
    record Card(String brand, String last4) {}

    /**
     * One attempt.
     *
     * @param status {@code PENDING} (charging, or waiting for Stripe's webhook), {@code SUCCEEDED} (credits granted),
     *     {@code FAILED} (see {@code failureCode}: {@code card_declined}, {@code authentication_required}, {@code
     *     no_payment_method}, {@code payment_failed}) or {@code SKIPPED} ({@code monthly_maximum}: nothing charged)
     */
    record Attempt(
            String id,
            String pack,
            String packName,
            long credits,
            long amountCents,
            String currency,
            String status,
            String failureCode,
            String failureMessage,
            Instant createdAt) {}

    /** Settings refused: a message per form field ({@code threshold}, {@code pack}, {@code monthlyMax}, {@code enabled}). */
    final class InvalidSettings extends RuntimeException {

        private final Map<String, String> errors;

        public InvalidSettings(Map<String, String> errors) {
            super(String.join(" ", errors.values()));
            this.errors = Map.copyOf(errors);
        }

        public Map<String, String> errors() {
            return errors;
        }
    }
}
