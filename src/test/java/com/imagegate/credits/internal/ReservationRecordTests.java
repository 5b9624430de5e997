package com.imagegate.credits.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.credits.IllegalTransitionException;
import com.imagegate.credits.Settlement;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReservationRecordTests {

    static final Instant NOW = Instant.parse("2026-11-25T19:00:00Z");
    static final ReservationRecord HELD = new ReservationRecord(
            "task_1", "ws_1", "key_1", 40, 0, 0, ReservationRecord.State.HELD, "usr_1", NOW, null);

    @Test
    void aHeldReservationCanBeCapturedUpToWhatItHoldsOrReleased() {
        assertThat(HELD.mustCapture(40)).isTrue();
        assertThat(HELD.mustCapture(1)).isTrue();
        assertThat(HELD.mustRelease()).isTrue();
        assertThatThrownBy(() -> HELD.mustCapture(41)).isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void partialCaptureSettlesAsCapturedWithTheRestReleased() {
        ReservationRecord captured = HELD.settled(30, 10, NOW.plusSeconds(5));

        assertThat(captured.state()).isEqualTo(ReservationRecord.State.CAPTURED);
        assertThat(captured.settlement())
                .isEqualTo(new Settlement("task_1", "ws_1", Settlement.Outcome.CAPTURED, 30, 10, NOW.plusSeconds(5)));
        assertThat(captured.keyUsage()).isEqualTo(30);
        assertThat(HELD.keyUsage()).isEqualTo(40);
    }

    @Test
    void aSecondCaptureOfTheSameAmountIsAReplay() {
        ReservationRecord captured = HELD.settled(30, 10, NOW);

        assertThat(captured.mustCapture(30)).isFalse();
    }

    @Test
    void aCaptureOfAnotherAmountAfterACaptureIsRefused() {
        ReservationRecord captured = HELD.settled(30, 10, NOW);

        assertThatThrownBy(() -> captured.mustCapture(40))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("already captured 30");
    }

    @Test
    void releaseAfterCaptureIsRefused() {
        ReservationRecord captured = HELD.settled(40, 0, NOW);

        assertThatThrownBy(captured::mustRelease)
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("already captured");
    }

    @Test
    void captureAfterReleaseIsRefusedAndASecondReleaseIsAReplay() {
        ReservationRecord released = HELD.settled(0, 40, NOW);

        assertThat(released.state()).isEqualTo(ReservationRecord.State.RELEASED);
        assertThat(released.keyUsage()).isZero();
        assertThat(released.mustRelease()).isFalse();
        assertThat(released.settlement().outcome()).isEqualTo(Settlement.Outcome.RELEASED);
        assertThatThrownBy(() -> released.mustCapture(40))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("already released");
    }

    @Test
    void aSettledReservationCannotBeSettledAgainAndASettlementMustAddUp() {
        assertThatThrownBy(() -> HELD.settled(40, 0, NOW).settled(0, 40, NOW))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> HELD.settled(10, 10, NOW)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReplayedReserveMustMatch() {
        assertThat(HELD.sameAs("ws_1", 40, "key_1")).isTrue();
        assertThat(HELD.sameAs("ws_2", 40, "key_1")).isFalse();
        assertThat(HELD.sameAs("ws_1", 41, "key_1")).isFalse();
        assertThat(HELD.sameAs("ws_1", 40, null)).isFalse();
    }
}
