package com.imagegate.credits.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a capture of {@code credits} (or a release, which captures none) ends a reservation, lot by lot. Captured credits
 * come from the lots spent first (the ones expiring first), the rest is released back to its lots; what is released to
 * a lot that has expired meanwhile is written off at once, so a release never brings expired credits back. A capture
 * may take credits from a lot that expired after the reserve: they were taken while the lot was valid.
 *
 * @param captures per lot, held credits charged (amount 0, held negative)
 * @param releases per lot, held credits given back (amount positive, held negative)
 * @param writeOffs per expired lot, released credits written off again (amount negative, held 0)
 */
record SettlementPlan(List<Allocation> captures, List<Allocation> releases, List<Allocation> writeOffs) {

    /**
     * @param holds the reservation's holds per lot, in the order they were taken
     * @param lots the lots the holds sit in, by id
     */
    static SettlementPlan of(List<Allocation> holds, Map<String, Lot> lots, long credits, Instant now) {
        long held = holds.stream().mapToLong(Allocation::held).sum();
        if (credits < 0 || credits > held) {
            throw new IllegalArgumentException("cannot capture " + credits + " of " + held + " held credits");
        }
        List<Allocation> captures = new ArrayList<>();
        List<Allocation> releases = new ArrayList<>();
        List<Allocation> writeOffs = new ArrayList<>();
        long toCapture = credits;
        for (Allocation hold : holds) {
            long capture = Math.min(toCapture, hold.held());
            toCapture -= capture;
            long release = hold.held() - capture;
            if (capture > 0) {
                captures.add(new Allocation(hold.lotId(), 0, -capture));
            }
            if (release > 0) {
                releases.add(new Allocation(hold.lotId(), release, -release));
                Lot lot = lots.get(hold.lotId());
                if (lot == null) {
                    throw new IllegalStateException("reservation holds credits of unknown lot " + hold.lotId());
                }
                if (lot.expiredAt(now)) {
                    writeOffs.add(new Allocation(hold.lotId(), -release, 0));
                }
            }
        }
        return new SettlementPlan(List.copyOf(captures), List.copyOf(releases), List.copyOf(writeOffs));
    }

    long captured() {
        return -captures.stream().mapToLong(Allocation::held).sum();
    }

    long released() {
        return releases.stream().mapToLong(Allocation::amount).sum();
    }

    long writtenOff() {
        return -writeOffs.stream().mapToLong(Allocation::amount).sum();
    }
}
