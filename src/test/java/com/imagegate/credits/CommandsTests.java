package com.imagegate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Commands validate themselves: a command that exists is a command the ledger can run. */
class CommandsTests {

    @Test
    void grantNeedsAWorkspacePositiveCreditsASourceAReferenceAndAnActor() {
        assertThatNoException()
                .isThrownBy(() -> new Grant("ws_1", 100, LotSource.SIGNUP, null, "signup:usr_1", "system", null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Grant(null, 100, LotSource.SIGNUP, null, "signup:usr_1", "system", null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Grant("ws_1", 0, LotSource.SIGNUP, null, "signup:usr_1", "system", null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Grant("ws_1", -5, LotSource.SIGNUP, null, "signup:usr_1", "system", null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Grant("ws_1", 100, null, null, "signup:usr_1", "system", null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Grant("ws_1", 100, LotSource.PACK, null, " ", "system", null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Grant("ws_1", 100, LotSource.PACK, null, "stripe:evt_1", "", null));
    }

    @Test
    void callerReferencesCannotTakeTheLedgersOwnNamespaces() {
        for (String reference : new String[] {"reserve:task_1", "capture:x", "RELEASE:x", "expiry:lot_1"}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new Grant("ws_1", 1, LotSource.ADMIN, null, reference, "adm_1", null));
            assertThatIllegalArgumentException().isThrownBy(() -> new Adjust("ws_1", 1, reference, "adm_1", "why"));
            assertThatIllegalArgumentException().isThrownBy(() -> new Clawback("ws_1", 1, reference, "system", null));
        }
    }

    @Test
    void overlongValuesAreRefusedRatherThanCutByTheDatabase() {
        String longReference = "r".repeat(201);
        String longId = "w".repeat(41);
        assertThatIllegalArgumentException().isThrownBy(() -> new Release(longReference));
        assertThatIllegalArgumentException().isThrownBy(() -> new Reserve(longId, 10, "task_1", null, "usr_1"));
        assertThatIllegalArgumentException().isThrownBy(() -> new Adjust("ws_1", 5, "adj_1", "adm_1", "x".repeat(501)));
        assertThat(new Release("r".repeat(200)).reference()).hasSize(200);
    }

    @Test
    void reserveAndCaptureNeedPositiveCredits() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Reserve("ws_1", 0, "task_1", null, "usr_1"));
        assertThatIllegalArgumentException().isThrownBy(() -> new Capture("task_1", 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new Capture("task_1", -1));
        assertThatNoException().isThrownBy(() -> new Capture("task_1", 1));
    }

    @Test
    void adjustmentMayBeNegativeButNotZero() {
        assertThatNoException().isThrownBy(() -> new Adjust("ws_1", -5, "adj_1", "adm_1", "goodwill undone"));
        assertThatIllegalArgumentException().isThrownBy(() -> new Adjust("ws_1", 0, "adj_1", "adm_1", null));
    }

    @Test
    void keyCapMayBeAbsentButNotNegative() {
        assertThat(new KeyCap("key_1", null).budget()).isNull();
        assertThat(new KeyCap("key_1", 5L).period())
                .as("a cap without a period is monthly")
                .isEqualTo(BudgetPeriod.MONTH);
        assertThatIllegalArgumentException().isThrownBy(() -> new KeyCap("key_1", -1L));
        assertThatIllegalArgumentException().isThrownBy(() -> new KeyCap(null, 10L));
    }

    @Test
    void historyQueryChecksItsLimitAndRange() {
        Instant now = Instant.parse("2026-11-25T19:00:00Z");
        assertThatIllegalArgumentException().isThrownBy(() -> HistoryQuery.firstPage("ws_1", 0));
        assertThatIllegalArgumentException().isThrownBy(() -> HistoryQuery.firstPage("ws_1", 201));
        assertThatIllegalArgumentException().isThrownBy(() -> new HistoryQuery("ws_1", Set.of(), now, now, null, 10));
        HistoryQuery query = new HistoryQuery("ws_1", null, null, null, "", 10);
        assertThat(query.kinds()).isEmpty();
        assertThat(query.cursor()).isNull();
        assertThat(query.after("abc").cursor()).isEqualTo("abc");
    }

    @Test
    void integrityReportCannotCallItselfConsistentWithDiscrepancies() {
        var discrepancy = new IntegrityReport.Discrepancy("ws_1", "account", "spendable", 5, 4);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new IntegrityReport(
                        Instant.EPOCH, 1, true, List.of(discrepancy), Duration.ofHours(1), List.of()));
    }
}
