package com.imagegate.credits.internal;

import com.imagegate.credits.InsufficientCreditsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Which lots a debit takes its credits from. Pure: the service persists what this decides. */
final class Spending {

    private Spending() {}

    /** What a reserve may take from these lots at {@code now}: the unexpired lots' available credits. */
    static long spendable(List<Lot> lots, Instant now) {
        return lots.stream().mapToLong(lot -> lot.spendableAt(now)).sum();
    }

    /**
     * Takes {@code credits} from the unexpired lots in {@link Lot#SPEND_ORDER}, all or nothing.
     *
     * @return per lot, the credits taken (positive), in spend order
     * @throws InsufficientCreditsException when the lots hold fewer spendable credits
     */
    static List<Take> take(String workspaceId, List<Lot> lots, long credits, Instant now) {
        long spendable = spendable(lots, now);
        if (spendable < credits) {
            throw new InsufficientCreditsException(workspaceId, credits, spendable);
        }
        return takeUpTo(lots, credits, now);
    }

    /** Takes as many of {@code credits} as the unexpired lots hold, in {@link Lot#SPEND_ORDER}. */
    static List<Take> takeUpTo(List<Lot> lots, long credits, Instant now) {
        List<Take> takes = new ArrayList<>();
        long missing = credits;
        for (Lot lot : lots.stream().sorted(Lot.SPEND_ORDER).toList()) {
            if (missing == 0) {
                break;
            }
            long take = Math.min(missing, lot.spendableAt(now));
            if (take > 0) {
                takes.add(new Take(lot.id(), take));
                missing -= take;
            }
        }
        return List.copyOf(takes);
    }

    static long total(List<Take> takes) {
        return takes.stream().mapToLong(Take::credits).sum();
    }

    /** Credits taken from one lot. */
    record Take(String lotId, long credits) {

        Take {
            if (credits <= 0) {
                throw new IllegalArgumentException("a take is positive: " + credits);
            }
        }
    }
}
