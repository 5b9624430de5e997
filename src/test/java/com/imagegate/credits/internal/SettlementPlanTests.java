package com.imagegate.credits.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.imagegate.credits.LotSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettlementPlanTests {

    static final Instant NOW = Instant.parse("2026-11-25T19:00:00Z");
    static final Lot SOON = new Lot("lot_soon", "ws_1", LotSource.SIGNUP, 20, 0, 20, NOW.plusSeconds(60), NOW);
    static final Lot NEVER = new Lot("lot_never", "ws_1", LotSource.PACK, 100, 80, 20, null, NOW);
    static final Map<String, Lot> LOTS = Map.of(SOON.id(), SOON, NEVER.id(), NEVER);
    static final List<Allocation> HOLDS =
            List.of(new Allocation("lot_soon", -20, 20), new Allocation("lot_never", -20, 20));

    @Test
    void partialCaptureChargesTheLotsSpentFirstAndReleasesTheRest() {
        SettlementPlan plan = SettlementPlan.of(HOLDS, LOTS, 30, NOW);

        assertThat(plan.captures())
                .containsExactly(new Allocation("lot_soon", 0, -20), new Allocation("lot_never", 0, -10));
        assertThat(plan.releases()).containsExactly(new Allocation("lot_never", 10, -10));
        assertThat(plan.writeOffs()).isEmpty();
        assertThat(plan.captured()).isEqualTo(30);
        assertThat(plan.released()).isEqualTo(10);
    }

    @Test
    void fullCaptureReleasesNothing() {
        SettlementPlan plan = SettlementPlan.of(HOLDS, LOTS, 40, NOW);

        assertThat(plan.captured()).isEqualTo(40);
        assertThat(plan.releases()).isEmpty();
    }

    @Test
    void releaseGivesEveryHoldBack() {
        SettlementPlan plan = SettlementPlan.of(HOLDS, LOTS, 0, NOW);

        assertThat(plan.captures()).isEmpty();
        assertThat(plan.releases())
                .containsExactly(new Allocation("lot_soon", 20, -20), new Allocation("lot_never", 20, -20));
        assertThat(plan.writtenOff()).isZero();
    }

    @Test
    void creditsReleasedToALotThatExpiredMeanwhileAreWrittenOffAtOnce() {
        Instant later = NOW.plus(Duration.ofHours(1)); // lot_soon has expired

        SettlementPlan plan = SettlementPlan.of(HOLDS, LOTS, 0, later);

        assertThat(plan.released()).isEqualTo(40);
        assertThat(plan.writeOffs()).containsExactly(new Allocation("lot_soon", -20, 0));
        assertThat(plan.writtenOff()).isEqualTo(20);
    }

    @Test
    void creditsReservedBeforeTheirLotExpiredCanStillBeCaptured() {
        Instant later = NOW.plus(Duration.ofHours(1));

        SettlementPlan plan = SettlementPlan.of(HOLDS, LOTS, 25, later);

        assertThat(plan.captures())
                .containsExactly(new Allocation("lot_soon", 0, -20), new Allocation("lot_never", 0, -5));
        assertThat(plan.writeOffs()).isEmpty();
    }

    @Test
    void cannotCaptureMoreThanIsHeld() {
        assertThatIllegalArgumentException().isThrownBy(() -> SettlementPlan.of(HOLDS, LOTS, 41, NOW));
    }
}
