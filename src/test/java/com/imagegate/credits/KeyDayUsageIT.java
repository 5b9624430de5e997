package com.imagegate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.imagegate.Ids;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The running totals a key budget's check reads ({@code credit_key_day_usage}: per key and UTC day, what its
 * reservations made that day hold or captured) stay equal to the sum recomputed from {@code credit_reservation}, after
 * seeded random sequences of reserves, partial and full captures, releases, replays of each, admin refunds and clock
 * moves across day, week and month boundaries, with several keys of two workspaces. {@code Credits.keyBudgetUsage} is
 * compared with the recomputed sum for every period kind at every step. Rerun a failure with the seed it prints
 * ({@code -Dbudget.seed=…}). A context of its own (the clock moves by weeks).
 */
@MariaDbIntegrationTest(properties = "jobrunr.background-job-server.enabled=false")
@Import(MutableClock.Config.class)
class KeyDayUsageIT {

    @Autowired
    Credits credits;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcTemplate jdbc;

    record Key(String workspace, KeyCap cap) {}

    record Held(Key key, String reference, long credits) {}

    @Test
    void theDailyRunningTotalsEqualTheReservationsAfterRandomReservesCapturesReleasesAndRefunds() {
        long seed = Long.getLong("budget.seed", System.nanoTime());
        System.out.println("KeyDayUsageIT seed: -Dbudget.seed=" + seed);
        Random random = new Random(seed);
        // Two days before the next month starts, at a random minute: the run crosses days, a week and a month.
        Instant monthEnd = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                .withDayOfMonth(1)
                .plusMonths(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        clock.advanceTo(monthEnd.minus(Duration.ofDays(2)).plusSeconds(random.nextInt(3600)));

        List<Key> keys = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            String workspace = Ids.next("ws");
            credits.grant(
                    new Grant(workspace, 10_000_000, LotSource.PACK, null, "grant:" + Ids.next("ref"), "system", null));
            keys.add(new Key(workspace, new KeyCap(Ids.next("key"), null)));
            keys.add(new Key(workspace, new KeyCap(Ids.next("key"), 150L, BudgetPeriod.DAY)));
            keys.add(new Key(workspace, new KeyCap(Ids.next("key"), 500L, BudgetPeriod.WEEK)));
        }
        List<Held> open = new ArrayList<>();
        Map<String, Long> settled = new HashMap<>(); // reference → credits captured (0: released)
        List<String> refundable = new ArrayList<>();
        int refused = 0;
        int refunds = 0;
        for (int step = 0; step < 400; step++) {
            String context = "seed " + seed + ", step " + step;
            int action = random.nextInt(20);
            if (action < 9) {
                Key key = keys.get(random.nextInt(keys.size()));
                long amount = 1 + random.nextInt(60);
                String reference = Ids.next("task");
                try {
                    credits.reserve(new Reserve(key.workspace(), amount, reference, key.cap(), "key:test"));
                    open.add(new Held(key, reference, amount));
                } catch (KeyCapExceededException capped) {
                    refused++;
                }
                if (random.nextInt(5) == 0 && !open.isEmpty()) {
                    // A retried reserve (same reference, credits and key) is a replay and counts once.
                    Held again = open.get(random.nextInt(open.size()));
                    credits.reserve(new Reserve(
                            again.key().workspace(),
                            again.credits(),
                            again.reference(),
                            again.key().cap(),
                            "k"));
                }
            } else if (action < 13 && !open.isEmpty()) {
                Held held = open.remove(random.nextInt(open.size()));
                long amount = random.nextBoolean() ? held.credits() : 1 + random.nextInt((int) held.credits());
                credits.capture(new Capture(held.reference(), amount));
                settled.put(held.reference(), amount);
                refundable.add(held.reference());
            } else if (action < 15 && !open.isEmpty()) {
                Held held = open.remove(random.nextInt(open.size()));
                credits.release(new Release(held.reference()));
                settled.put(held.reference(), 0L);
            } else if (action < 17 && !settled.isEmpty()) {
                // A retried settlement (a worker's capture again, the sweeper's release after the fact) changes
                // nothing; releasing a captured reservation is refused and changes nothing either.
                List<String> references = new ArrayList<>(settled.keySet());
                references.sort(null);
                String reference = references.get(random.nextInt(references.size()));
                long capturedBefore = settled.get(reference);
                if (capturedBefore > 0) {
                    credits.capture(new Capture(reference, capturedBefore));
                    assertThatThrownBy(() -> credits.release(new Release(reference)))
                            .isInstanceOf(IllegalTransitionException.class);
                } else {
                    credits.release(new Release(reference));
                }
            } else if (action < 18 && !refundable.isEmpty()) {
                // An admin refund of a succeeded task: credits back to the balance, the key's spend unchanged.
                String reference = refundable.remove(random.nextInt(refundable.size()));
                String workspace = jdbc.queryForObject(
                        "select workspace_id from credit_reservation where reference = ?", String.class, reference);
                credits.adjust(new Adjust(workspace, settled.get(reference), "refund:" + reference, "adm_1", "refund"));
                refunds++;
            } else {
                clock.advance(Duration.ofSeconds(
                        random.nextInt((int) Duration.ofHours(10).toSeconds())));
            }
            if (step % 10 == 0 || step == 399) {
                assertTotalsMatch(keys, context);
            }
        }
        assertThat(budgetDiscrepancies(keys))
                .as("seed " + seed + ": the integrity report")
                .isEmpty();
        assertThat(refused)
                .as("seed " + seed + ": some reserves refused by a budget")
                .isPositive();
        assertThat(refunds).as("seed " + seed + ": some refunds").isPositive();
        assertThat(recomputed(keys).keySet().stream()
                        .map(k -> k.split("@")[1])
                        .distinct()
                        .count())
                .as("seed " + seed + ": days crossed")
                .isGreaterThan(2);
    }

    @Test
    void theIntegrityReportFindsARunningTotalThatDiffersFromTheReservations() {
        String workspace = Ids.next("ws");
        credits.grant(new Grant(workspace, 1_000, LotSource.PACK, null, "grant:" + Ids.next("ref"), "system", null));
        Key key = new Key(workspace, new KeyCap(Ids.next("key"), 100L, BudgetPeriod.MONTH));
        Key other = new Key(workspace, new KeyCap(Ids.next("key"), null));
        String reference = "task_" + key.cap().apiKeyId();
        credits.reserve(new Reserve(workspace, 30, reference, key.cap(), "key:test"));
        credits.reserve(new Reserve(workspace, 5, reference + "_b", other.cap(), "key:test"));
        credits.capture(new Capture(reference, 20));
        assertThat(credits.keyBudgetUsage(key.cap().apiKeyId(), BudgetPeriod.MONTH)
                        .spent())
                .isEqualTo(20);
        assertThat(budgetDiscrepancies(List.of(key, other))).isEmpty();

        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        jdbc.update(
                "update credit_key_day_usage set used = used + 7 where api_key_id = ?",
                key.cap().apiKeyId());
        jdbc.update(
                "delete from credit_key_day_usage where api_key_id = ?",
                other.cap().apiKeyId());
        jdbc.update(
                "insert into credit_key_day_usage (api_key_id, usage_day, used) values (?, ?, 3)",
                key.cap().apiKeyId(),
                today.minusDays(40));
        try {
            assertThat(budgetDiscrepancies(List.of(key, other)))
                    .extracting(
                            IntegrityReport.Discrepancy::workspaceId,
                            IntegrityReport.Discrepancy::recorded,
                            IntegrityReport.Discrepancy::expected)
                    .containsExactlyInAnyOrder(
                            tuple(workspace, 27L, 20L), tuple(workspace, 0L, 5L), tuple(workspace, 3L, 0L));
            // The check reads the stored totals: the tampered one is what the budget counts now.
            assertThat(credits.keyBudgetUsage(key.cap().apiKeyId(), BudgetPeriod.MONTH)
                            .spent())
                    .isEqualTo(27);
        } finally {
            jdbc.update(
                    "delete from credit_key_day_usage where api_key_id = ?",
                    key.cap().apiKeyId());
            jdbc.update(
                    "insert into credit_key_day_usage (api_key_id, usage_day, used) values (?, ?, 20), (?, ?, 5)",
                    key.cap().apiKeyId(),
                    today,
                    other.cap().apiKeyId(),
                    today);
        }
        assertThat(budgetDiscrepancies(List.of(key, other))).isEmpty();
    }

    private List<IntegrityReport.Discrepancy> budgetDiscrepancies(List<Key> keys) {
        List<String> subjects =
                keys.stream().map(k -> "key " + k.cap().apiKeyId() + " ").toList();
        return credits.integrityReport().discrepancies().stream()
                .filter(d -> d.field().equals("budget used"))
                .filter(d -> subjects.stream().anyMatch(d.subject()::startsWith))
                .toList();
    }

    private void assertTotalsMatch(List<Key> keys, String context) {
        assertThat(stored(keys)).as(context + ": running totals").isEqualTo(recomputed(keys));
        Instant now = clock.instant();
        for (Key key : keys) {
            for (BudgetPeriod period : BudgetPeriod.values()) {
                assertThat(credits.keyBudgetUsage(key.cap().apiKeyId(), period).spent())
                        .as(context + ": " + period + " usage of " + key.cap().apiKeyId())
                        .isEqualTo(recomputedBetween(key, period.start(now), period.end(now)));
            }
        }
    }

    /** key@day → used, as stored, without zeros. */
    private Map<String, Long> stored(List<Key> keys) {
        Map<String, Long> result = new HashMap<>();
        for (Key key : keys) {
            jdbc.query(
                    "select usage_day, used from credit_key_day_usage where api_key_id = ?",
                    rs -> {
                        long used = rs.getLong("used");
                        if (used != 0) {
                            result.put(key.cap().apiKeyId() + "@" + rs.getObject("usage_day", LocalDate.class), used);
                        }
                    },
                    key.cap().apiKeyId());
        }
        return result;
    }

    /** key@day → what the key's reservations made that day hold or captured, from the reservations, without zeros. */
    private Map<String, Long> recomputed(List<Key> keys) {
        Map<String, Long> result = new HashMap<>();
        for (Key key : keys) {
            jdbc.query(
                    "select created_at, state, credits, captured from credit_reservation where api_key_id = ?",
                    rs -> {
                        LocalDate day =
                                rs.getObject("created_at", LocalDateTime.class).toLocalDate();
                        result.merge(key.cap().apiKeyId() + "@" + day, used(rs.getString("state"), rs), Long::sum);
                    },
                    key.cap().apiKeyId());
        }
        result.values().removeIf(v -> v == 0);
        return result;
    }

    private long recomputedBetween(Key key, Instant from, Instant to) {
        long[] sum = {0};
        jdbc.query(
                "select state, credits, captured from credit_reservation where api_key_id = ? and created_at >= ?"
                        + " and created_at < ?",
                rs -> {
                    sum[0] += used(rs.getString("state"), rs);
                },
                key.cap().apiKeyId(),
                LocalDateTime.ofInstant(from, ZoneOffset.UTC),
                LocalDateTime.ofInstant(to, ZoneOffset.UTC));
        return sum[0];
    }

    private static long used(String state, java.sql.ResultSet rs) throws java.sql.SQLException {
        return switch (state) {
            case "HELD" -> rs.getLong("credits");
            case "CAPTURED" -> rs.getLong("captured");
            default -> 0;
        };
    }
}
