package com.imagegate.credits.internal;

import com.imagegate.credits.IllegalTransitionException;
import com.imagegate.credits.Reservation;
import com.imagegate.credits.Settlement;
import java.time.Instant;
import java.util.Objects;

/** A reservation's stored state, and the rules of its one transition from HELD to CAPTURED or RELEASED. */
record ReservationRecord(
        String reference,
        String workspaceId,
        String apiKeyId,
        long credits,
        long captured,
        long released,
        State state,
        String actor,
        Instant createdAt,
        Instant settledAt) {

    enum State {
        HELD,
        CAPTURED,
        RELEASED
    }

    /**
     * Whether a capture of {@code amount} must be applied ({@code true}) or is a replay of the capture that already
     * happened ({@code false}).
     *
     * @throws IllegalTransitionException after a release, after a capture of another amount, or for more credits
     *     than are held
     */
    boolean mustCapture(long amount) {
        return switch (state) {
            case HELD -> {
                if (amount > credits) {
                    throw new IllegalTransitionException(
                            reference, "cannot capture " + amount + " credits, it holds " + credits);
                }
                yield true;
            }
            case CAPTURED -> {
                if (amount != captured) {
                    throw new IllegalTransitionException(
                            reference, "already captured " + captured + " credits, cannot capture " + amount);
                }
                yield false;
            }
            case RELEASED -> throw new IllegalTransitionException(reference, "already released, cannot capture");
        };
    }

    /**
     * Whether a release must be applied ({@code true}) or is a replay ({@code false}).
     *
     * @throws IllegalTransitionException after a capture (even a partial one, which released the rest itself)
     */
    boolean mustRelease() {
        return switch (state) {
            case HELD -> true;
            case RELEASED -> false;
            case CAPTURED -> throw new IllegalTransitionException(reference, "already captured, cannot release");
        };
    }

    /** The same reserve again: same workspace, credits and key. */
    boolean sameAs(String workspaceId, long credits, String apiKeyId) {
        return this.workspaceId.equals(workspaceId)
                && this.credits == credits
                && Objects.equals(this.apiKeyId, apiKeyId);
    }

    ReservationRecord settled(long captured, long released, Instant now) {
        if (state != State.HELD) {
            throw new IllegalStateException("reservation " + reference + " is " + state);
        }
        if (captured + released != credits) {
            throw new IllegalStateException("settlement of " + reference + " does not add up");
        }
        return new ReservationRecord(
                reference,
                workspaceId,
                apiKeyId,
                credits,
                captured,
                released,
                captured > 0 ? State.CAPTURED : State.RELEASED,
                actor,
                createdAt,
                now);
    }

    /** What the budget of its key counts (in the period it was made in): held credits while open, captured credits once settled. */
    long keyUsage() {
        return switch (state) {
            case HELD -> credits;
            case CAPTURED -> captured;
            case RELEASED -> 0;
        };
    }

    Reservation view() {
        return new Reservation(reference, workspaceId, credits, apiKeyId, createdAt);
    }

    Settlement settlement() {
        Settlement.Outcome outcome = switch (state) {
            case CAPTURED -> Settlement.Outcome.CAPTURED;
            case RELEASED -> Settlement.Outcome.RELEASED;
            case HELD -> throw new IllegalStateException("reservation " + reference + " is open");
        };
        return new Settlement(reference, workspaceId, outcome, captured, released, settledAt);
    }
}
