package com.imagegate.credits.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.credits.InsufficientCreditsException;
import com.imagegate.credits.LotSource;
import com.imagegate.credits.internal.Spending.Take;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpendingTests {

    static final Instant NOW = Instant.parse("2026-11-25T19:00:00Z");

    static Lot lot(String id, long available, Instant expiresAt, Instant createdAt) {
        return new Lot(id, "ws_1", LotSource.PACK, available, available, 0, expiresAt, createdAt);
    }

    static Instant in(Duration duration) {
        return NOW.plus(duration);
    }

    @Test
    void spendsTheLotExpiringFirstFirstAndNeverExpiringLotsLast() {
        List<Lot> lots = List.of(
                lot("lot_never", 100, null, NOW.minus(Duration.ofDays(9))),
                lot("lot_late", 10, in(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1))),
                lot("lot_soon", 10, in(Duration.ofDays(2)), NOW));

        List<Take> takes = Spending.take("ws_1", lots, 25, NOW);

        assertThat(takes).containsExactly(new Take("lot_soon", 10), new Take("lot_late", 10), new Take("lot_never", 5));
    }

    @Test
    void amongLotsExpiringTogetherTheOlderIsSpentFirst() {
        Instant expiry = in(Duration.ofDays(5));
        List<Lot> lots = List.of(
                lot("lot_b", 5, expiry, NOW.minusSeconds(10)),
                lot("lot_c", 5, null, NOW.minusSeconds(30)),
                lot("lot_a", 5, expiry, NOW.minusSeconds(20)),
                lot("lot_d", 5, null, NOW.minusSeconds(40)));

        assertThat(Spending.take("ws_1", lots, 20, NOW).stream().map(Take::lotId))
                .containsExactly("lot_a", "lot_b", "lot_d", "lot_c");
    }

    @Test
    void anExpiredLotIsNeverSpent() {
        List<Lot> lots = List.of(
                lot("lot_expired", 50, NOW.minusSeconds(1), NOW.minus(Duration.ofDays(30))),
                lot("lot_expiring_now", 50, NOW, NOW.minus(Duration.ofDays(30))),
                lot("lot_valid", 10, in(Duration.ofSeconds(1)), NOW));

        assertThat(Spending.spendable(lots, NOW)).isEqualTo(10);
        assertThat(Spending.take("ws_1", lots, 10, NOW)).containsExactly(new Take("lot_valid", 10));
        assertThatThrownBy(() -> Spending.take("ws_1", lots, 11, NOW))
                .isInstanceOfSatisfying(InsufficientCreditsException.class, refused -> {
                    assertThat(refused.requested()).isEqualTo(11);
                    assertThat(refused.spendable()).isEqualTo(10);
                });
    }

    @Test
    void aReserveTakesAllOrNothing() {
        List<Lot> lots = List.of(lot("lot_1", 30, null, NOW), lot("lot_2", 30, null, NOW.plusSeconds(1)));

        assertThat(Spending.total(Spending.take("ws_1", lots, 60, NOW))).isEqualTo(60);
        assertThatThrownBy(() -> Spending.take("ws_1", lots, 61, NOW)).isInstanceOf(InsufficientCreditsException.class);
    }

    @Test
    void takeUpToTakesWhatThereIs() {
        List<Lot> lots = List.of(lot("lot_1", 30, null, NOW), lot("lot_2", 0, null, NOW));

        assertThat(Spending.takeUpTo(lots, 50, NOW)).containsExactly(new Take("lot_1", 30));
        assertThat(Spending.takeUpTo(List.of(), 50, NOW)).isEmpty();
    }

    @Test
    void aLotExpiresAtItsExpiryInstant() {
        Lot lot = lot("lot_1", 5, NOW, NOW.minusSeconds(60));

        assertThat(lot.expiredAt(NOW.minusNanos(1000))).isFalse();
        assertThat(lot.expiredAt(NOW)).isTrue();
        assertThat(lot("lot_2", 5, null, NOW).expiredAt(Instant.MAX)).isFalse();
    }
}
