package com.imagegate.billing;

import com.imagegate.account.Member;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Promo codes: admins create them, owners and admins of a workspace redeem them on the billing page. A redemption is
 * one ledger grant ({@code LotSource.PROMO}, reference {@code promo:<code id>:<workspace id>}); a workspace redeems a
 * code at most once, a code is redeemed at most {@code maxRedemptions} times, on any number of nodes (a row lock on
 * the code and database constraints, not memory). Attempts are limited per workspace and per client address.
 */
public interface PromoCodes {

    /** Creates a code; {@code command.code()} null or blank means a generated one. */
    Code create(NewCode command, String actor);

    /** Turns a code on or off; empty when there is no such code. */
    Optional<Code> setEnabled(String id, boolean enabled);

    Optional<Code> find(String id);

    /** Codes, newest first. */
    List<Code> list(int limit);

    /** A code's redemptions, newest first. */
    List<Redeemed> redemptions(String codeId, int limit);

    /**
     * Redeems a typed code for the member's workspace. Every outcome is an answer with a message for the person who
     * typed it; only {@link Outcome#REDEEMED} changed anything.
     *
     * @throws BillingException {@code FORBIDDEN} when the member may not manage the workspace
     */
    Result redeem(Member member, String typed, String clientAddress);

    /**
     * What an admin asks for.
     *
     * @param code the code as typed by the admin (case, spaces and dashes do not count), or null/blank for a generated
     *     one
     * @param credits the credits each redemption grants
     * @param creditValidityDays how long the granted credits stay spendable (the lot's expiry from the redemption), or
     *     null for never
     * @param expiresAt when the code stops being redeemable, or null for never
     * @param maxRedemptions the most workspaces that can redeem it
     * @param firstPurchaseOnly only workspaces that have paid for nothing yet
     */
    record NewCode(
            String code,
            long credits,
            Integer creditValidityDays,
            Instant expiresAt,
            int maxRedemptions,
            boolean firstPurchaseOnly,
            String note) {}

    /** A code as stored: {@code code} normalized (upper case, no spaces or dashes). */
    record Code(
            String id,
            String code,
            long credits,
            Integer creditValidityDays,
            Instant expiresAt,
            int maxRedemptions,
            int redemptions,
            boolean firstPurchaseOnly,
            boolean enabled,
            String note,
            String createdBy,
            Instant createdAt) {

        /** What a customer typing it now would hear, as a word for the console. */
        public String state(Instant now) {
            if (!enabled) {
                return "disabled";
            }
            if (expiresAt != null && !now.isBefore(expiresAt)) {
                return "expired";
            }
            return redemptions >= maxRedemptions ? "used up" : "active";
        }
    }

    /** One redemption: which workspace, when, how many credits and until when they last. */
    record Redeemed(
            String id,
            String codeId,
            String workspaceId,
            String userId,
            long credits,
            Instant creditsExpireAt,
            String ledgerEntryId,
            Instant createdAt) {}

    /** Why a redemption was or was not made. */
    enum Outcome {
        REDEEMED,
        /** Unknown, malformed or disabled: the same answer, so a guess learns nothing about codes that exist. */
        NOT_VALID,
        EXPIRED,
        USED_UP,
        ALREADY_REDEEMED,
        NOT_FIRST_PURCHASE,
        RATE_LIMITED
    }

    /** The answer to a redemption: the outcome and what to tell the customer. */
    record Result(Outcome outcome, String message, long credits, Instant creditsExpireAt) {

        public boolean redeemed() {
            return outcome == Outcome.REDEEMED;
        }
    }

    /** A code an admin asked for cannot be created; the message says why. */
    final class InvalidCode extends RuntimeException {

        public InvalidCode(String message) {
            super(message);
        }
    }
}
