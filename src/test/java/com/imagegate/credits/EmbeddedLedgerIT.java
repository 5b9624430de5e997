package com.imagegate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.Ids;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.Concurrently.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

/** The same no-overdraw and exactly-once guarantees on the embedded H2 default database. */
@SpringBootTest
@RecordApplicationEvents
class EmbeddedLedgerIT {

    static final Path DATA_DIR = createTempDir();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("imagegate.data-dir", DATA_DIR::toString);
    }

    @Autowired
    Credits credits;

    @Autowired
    DataSource dataSource;

    @Test
    void fiftyConcurrentReservesOfTenAgainstAHundredLetExactlyTenThroughOnH2() throws Exception {
        try (var connection = dataSource.getConnection()) {
            assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("H2");
        }
        String workspace = Ids.next("ws");
        credits.grant(new Grant(workspace, 60, LotSource.SIGNUP, null, "signup:" + workspace, "system", null));
        credits.grant(new Grant(workspace, 40, LotSource.PACK, null, "pack:" + workspace, "system", null));

        List<Outcome<Reservation>> outcomes = Concurrently.run(
                50, i -> credits.reserve(new Reserve(workspace, 10, "task_" + i + "_" + workspace, null, "usr_1")));

        assertThat(outcomes.stream().filter(Outcome::succeeded)).hasSize(10);
        assertThat(outcomes.stream().filter(o -> !o.succeeded()))
                .allSatisfy(o -> assertThat(o.failure()).isInstanceOf(InsufficientCreditsException.class));
        Balance balance = credits.balance(workspace);
        assertThat(balance.spendable()).isZero();
        assertThat(balance.reserved()).isEqualTo(100);
        assertThat(credits.integrityReport().consistent()).isTrue();
    }

    @Test
    void fiftyConcurrentReleasesOfOneReservationWriteOneReleaseEntryOnH2() {
        String workspace = Ids.next("ws");
        credits.grant(new Grant(workspace, 100, LotSource.PACK, null, "pack:" + workspace, "system", null));
        String reference = "task_" + workspace;
        credits.reserve(new Reserve(workspace, 70, reference, null, "usr_1"));

        List<Outcome<Settlement>> outcomes = Concurrently.run(50, i -> credits.release(new Release(reference)));

        assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
        assertThat(outcomes.stream().map(Outcome::value).distinct()).hasSize(1);
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject(
                                "select count(*) from credit_entry where reference = ?",
                                Long.class,
                                "release:" + reference))
                .isEqualTo(1);
        assertThat(credits.balance(workspace).spendable()).isEqualTo(100);
    }

    @Autowired
    BalanceAlerts alerts;

    @Test
    void theLowBalanceAlertDisarmsBelowItsThresholdAndReArmsAtItOnH2() {
        String workspace = Ids.next("ws");
        credits.grant(new Grant(workspace, 100, LotSource.PACK, null, "pack:" + workspace, "system", null));
        alerts.setThreshold(workspace, 50L, "user:usr_1");
        assertThat(alerts.threshold(workspace)).contains(50L);
        assertThat(armed(workspace)).isTrue();

        credits.reserve(new Reserve(workspace, 60, "task_a_" + workspace, null, "usr_1"));
        assertThat(armed(workspace)).as("40 < 50: alerted").isFalse();
        credits.release(new Release("task_a_" + workspace));
        assertThat(armed(workspace)).as("back at 100").isTrue();
        credits.reserve(new Reserve(workspace, 50, "task_b_" + workspace, null, "usr_1"));
        assertThat(armed(workspace)).as("50 is not below 50").isTrue();

        alerts.setThreshold(workspace, null, "user:usr_1");
        assertThat(alerts.threshold(workspace)).isEmpty();
    }

    @Test
    void keyBudgetAlertsAreRecordedOncePerLevelOnH2(@Autowired ApplicationEvents events) {
        String workspace = Ids.next("ws");
        String key = Ids.next("key");
        KeyCap cap = new KeyCap(key, 50L, BudgetPeriod.DAY);
        credits.grant(new Grant(workspace, 100, LotSource.PACK, null, "pack:" + workspace, "system", null));
        credits.reserve(new Reserve(workspace, 30, "task_a_" + workspace, cap, "usr_1"));
        assertThat(keyAlerts(key)).as("60%").isEmpty();
        credits.reserve(new Reserve(workspace, 10, "task_b_" + workspace, cap, "usr_1"));
        assertThat(keyAlerts(key)).as("80%").containsExactly(80);
        // Back below 80% and across it again in the same period: already sent.
        credits.release(new Release("task_a_" + workspace));
        credits.reserve(new Reserve(workspace, 30, "task_c_" + workspace, cap, "usr_1"));
        assertThat(keyAlerts(key)).as("80% again").containsExactly(80);
        credits.reserve(new Reserve(workspace, 10, "task_d_" + workspace, cap, "usr_1"));
        assertThat(keyAlerts(key)).as("100%").containsExactly(80, 100);
        assertThat(events.stream(KeyBudgetReached.class).map(KeyBudgetReached::level))
                .containsExactly(80, 100);
        assertThat(events.stream(KeyBudgetReached.class).toList().getLast().spent())
                .isEqualTo(50);
    }

    @Test
    void aRefusalByTheKeyBudgetRecordsTheFullAlertOnceOnH2(@Autowired ApplicationEvents events) {
        String workspace = Ids.next("ws");
        String key = Ids.next("key");
        KeyCap cap = new KeyCap(key, 45L, BudgetPeriod.DAY);
        credits.grant(new Grant(workspace, 100, LotSource.PACK, null, "pack:" + workspace, "system", null));
        credits.reserve(new Reserve(workspace, 40, "task_a_" + workspace, cap, "usr_1"));
        assertThat(keyAlerts(key)).as("88%").containsExactly(80);
        KeyCapExceededException refused = null;
        try {
            credits.reserve(new Reserve(workspace, 10, "task_b_" + workspace, cap, "usr_1"));
        } catch (KeyCapExceededException e) {
            refused = e;
        }
        assertThat(refused).as("refused by the budget").isNotNull();
        assertThat(keyAlerts(key)).as("a refusal by itself writes nothing").containsExactly(80);
        assertThat(credits.keyBudgetUsage(key, BudgetPeriod.DAY).refused()).isFalse();

        credits.keyBudgetRefused(workspace, refused);
        credits.keyBudgetRefused(workspace, refused);
        assertThat(keyAlerts(key)).as("100% once").containsExactly(80, 100);
        assertThat(credits.keyBudgetUsage(key, BudgetPeriod.DAY).refused()).isTrue();
        var full = events.stream(KeyBudgetReached.class)
                .filter(e -> e.apiKeyId().equals(key) && e.level() == 100)
                .toList();
        assertThat(full).hasSize(1);
        assertThat(full.getFirst().byRefusal()).isTrue();
        assertThat(full.getFirst().spent()).isEqualTo(40);
        assertThat(full.getFirst().refused()).isEqualTo(10);
    }

    private List<Integer> keyAlerts(String key) {
        return new JdbcTemplate(dataSource)
                .queryForList(
                        "select alert_level from credit_key_budget_alerts where api_key_id = ? order by alert_level",
                        Integer.class,
                        key);
    }

    private boolean armed(String workspace) {
        return new JdbcTemplate(dataSource)
                .queryForObject("select armed from credit_alerts where workspace_id = ?", Boolean.class, workspace);
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("imagegate-embedded-ledger");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
