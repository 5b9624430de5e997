package com.imagegate.billing;

import com.imagegate.account.Member;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Buying credits and plans with Stripe. Credits are granted only by Stripe's webhooks, never by a browser coming back
 * from Checkout. Only owners and admins of a workspace may buy.
 */
public interface Billing {

    /** True when a Stripe secret key is set. */
    boolean paymentsConfigured();

    /**
     * Starts a Stripe Checkout for a pack (mode {@code payment}) or a plan (mode {@code subscription}).
     *
     * @return the Stripe-hosted page to send the browser to
     * @throws BillingException when payments are off, the member may not buy, purchases are suspended, the product is
     *     unknown, the workspace already has a plan (change it instead) or Stripe cannot be reached
     */
    URI checkout(Member member, String product);

    /** A Stripe Customer Portal session (card, invoices, cancel) for the workspace. */
    URI portal(Member member);

    /**
     * What moving the workspace's live subscription to {@code plan} costs now and when it takes effect, as Stripe
     * quotes it; nothing changes.
     */
    PlanChange previewPlanChange(Member member, String plan);

    /**
     * Moves the workspace's live subscription to another plan. An upgrade takes effect at once and Stripe charges the
     * prorated difference now (the change is applied only if that payment succeeds; its credits come with the paid
     * invoice); a downgrade takes effect at the end of the period; choosing the current plan again cancels a pending
     * downgrade.
     *
     * @param quotedAt the {@link PlanChange#quotedAt()} the customer saw, or {@code null} for now; a quote older than
     *     15 minutes is refused
     */
    PlanChange changePlan(Member member, String plan, Long quotedAt);

    /** Ends the plan at the end of the period ({@code cancel}) or keeps it renewing ({@code !cancel}). */
    void cancelAtPeriodEnd(Member member, boolean cancel);

    /** The state of a Checkout this workspace started; empty for another workspace's or an unknown session. */
    Optional<CheckoutState> checkoutState(String workspaceId, String sessionId);

    /**
     * The fingerprints of every card that paid a charge of the workspace's Stripe Customer, as Stripe has them now
     * ({@code payment_method_details.card.fingerprint}: the same card number has the same fingerprint, whoever's
     * customer it pays for). Empty when the workspace never bought anything.
     *
     * Throws when Stripe cannot be read (the caller tries again later).
     */
    Set<String> cardFingerprints(String workspaceId);

    /** Payments that granted credits, newest first. */
    List<Payment> payments(String workspaceId, int limit);

    /**
     * Revenue from Stripe payments that granted credits (packs and plan invoices) created in {@code [from, to)}, per
     * currency: gross amounts as paid, before refunds and Stripe's fees. For the admin console.
     */
    List<Revenue> revenue(Instant from, Instant to);

    /**
     * Payments recorded in {@code [from, to)}, and refunds and disputes recorded in it (of payments of any time), oldest
     * first: for the margin page. Revenue net of refunds and disputes is the sum of their {@link
     * MoneyMovement#signedCents()}.
     */
    List<MoneyMovement> moneyMovements(Instant from, Instant to);

    /** @param amountCents the sum in the currency's smallest unit @param payments how many payments */
    record Revenue(String currency, long amountCents, long payments) {}

    /** True while an open dispute suspends the workspace's purchases. */
    boolean purchasesSuspended(String workspaceId);

    /** The workspace's open flags. */
    List<BillingFlag> flags(String workspaceId);

    /** Every open flag, newest first: for the admin console. */
    List<BillingFlag> openFlags();

    /**
     * Closes an open flag (an admin reviewed it; a resolved dispute no longer suspends purchases).
     *
     * @return the flag as it was, or empty when there is no open flag with this id
     */
    Optional<BillingFlag> resolveFlag(String flagId);

    /** The result of the last check of the configured prices against the Stripe account. */
    List<PriceMismatch> priceMismatches();

    /** Checks the configured prices against the Stripe account now (an admin action; also run at start). */
    List<PriceMismatch> checkPrices();
}
