package com.imagegate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.Ids;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MutableClock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * API key budgets at the ledger, with the clock moved to the edges of their periods. A context of its own (no JobRunr
 * server): these tests move the clock by weeks, which the other credits ITs sharing a context must not see.
 */
@MariaDbIntegrationTest(properties = "jobrunr.background-job-server.enabled=false")
@Import(MutableClock.Config.class)
class KeyBudgetLedgerIT {

    @Autowired
    Credits credits;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcTemplate jdbc;

    String workspace;

    @BeforeEach
    void newWorkspace() {
        workspace = Ids.next("ws");
        credits.grant(
                new Grant(workspace, 1_000_000, LotSource.PACK, null, "grant:" + Ids.next("ref"), "system", null));
    }

    Reservation reserve(KeyCap key, long amount, String reference) {
        return credits.reserve(new Reserve(workspace, amount, reference, key, "key:" + key.apiKeyId()));
    }

    void assertRefused(KeyCap key, long amount, long used, Instant resetsAt) {
        String reference = Ids.next("task");
        assertThatThrownBy(() -> reserve(key, amount, reference))
                .isInstanceOfSatisfying(KeyCapExceededException.class, refused -> {
                    assertThat(refused.used()).isEqualTo(used);
                    assertThat(refused.budget()).isEqualTo(key.budget());
                    assertThat(refused.period()).isEqualTo(key.period());
                    assertThat(refused.resetsAt()).isEqualTo(resetsAt);
                });
        assertThat(jdbc.queryForObject(
                        "select count(*) from credit_reservation where reference = ?", Integer.class, reference))
                .as("a refused reserve writes nothing")
                .isZero();
    }

    /** The next Sunday 23:59:59 UTC after the clock's time. */
    Instant nextSundayLastSecond() {
        return clock.instant()
                .atZone(ZoneOffset.UTC)
                .plusDays(1)
                .with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY))
                .truncatedTo(ChronoUnit.DAYS)
                .withHour(23)
                .withMinute(59)
                .withSecond(59)
                .toInstant();
    }

    @Test
    void aWeeklyBudgetSpentOnSundayNightIsOpenAgainAtMondayMidnightAndAReleaseGivesBackToItsOwnWeek() {
        KeyCap key = new KeyCap(Ids.next("key"), 50L, BudgetPeriod.WEEK);
        Instant sunday = clock.advanceTo(nextSundayLastSecond());
        Instant monday = sunday.plusSeconds(1);
        reserve(key, 20, "task_sun_1");
        reserve(key, 30, "task_sun_2");

        assertRefused(key, 1, 50, monday);
        assertThat(credits.keyBudgetUsage(key.apiKeyId(), BudgetPeriod.WEEK))
                .extracting(KeyBudgetUsage::spent, KeyBudgetUsage::resetsAt)
                .containsExactly(50L, monday);

        clock.advanceTo(monday); // 00:00:00 UTC Monday
        assertThat(credits.keyBudgetUsage(key.apiKeyId(), BudgetPeriod.WEEK).spent())
                .isZero();
        reserve(key, 50, "task_mon_1");
        assertRefused(key, 1, 50, monday.plus(Duration.ofDays(7)));

        // Sunday's task fails after midnight: its credits go back to the balance and to last week's budget, not
        // this week's.
        long spendableBefore = credits.balance(workspace).spendable();
        credits.release(new Release("task_sun_2"));
        assertThat(credits.balance(workspace).spendable()).isEqualTo(spendableBefore + 30);
        assertThat(credits.keyBudgetUsage(key.apiKeyId(), BudgetPeriod.WEEK).spent())
                .isEqualTo(50);
        assertRefused(key, 1, 50, monday.plus(Duration.ofDays(7)));
        assertThat(usageBetween(key, BudgetPeriod.WEEK.start(sunday), monday)).isEqualTo(20);

        // A release within the week does give back to it.
        credits.release(new Release("task_mon_1"));
        reserve(key, 50, "task_mon_2");
    }

    @Test
    void aMonthlyBudgetSpentOnTheLastSecondOfTheMonthIsOpenAgainAtMidnight() {
        KeyCap key = new KeyCap(Ids.next("key"), 100L); // a cap made before periods: monthly
        Instant nextMonth = BudgetPeriod.MONTH.end(clock.instant());
        Instant lastSecond = nextMonth.minusSeconds(1);
        clock.advanceTo(lastSecond);
        reserve(key, 60, "task_eom_1");
        credits.capture(new Capture("task_eom_1", 60));
        reserve(key, 40, "task_eom_2");

        assertRefused(key, 1, 100, nextMonth);

        clock.advanceTo(nextMonth);
        reserve(key, 100, "task_bom_1");
        credits.release(new Release("task_eom_2")); // after the boundary: back to the old month
        assertRefused(key, 1, 100, BudgetPeriod.MONTH.end(nextMonth));
    }

    @Test
    void aDailyBudgetCountsTheUtcDay() {
        KeyCap key = new KeyCap(Ids.next("key"), 10L, BudgetPeriod.DAY);
        Instant midnight = BudgetPeriod.DAY.end(clock.instant());
        clock.advanceTo(midnight.minusSeconds(1));
        reserve(key, 10, Ids.next("task"));
        assertRefused(key, 1, 10, midnight);
        clock.advanceTo(midnight);
        reserve(key, 10, Ids.next("task"));
        assertRefused(key, 10, 10, midnight.plus(Duration.ofDays(1)));
    }

    /**
     * The ledger's own guarantee, without the task acceptance's earlier lock: 50 reserves at once with one key whose
     * budget allows 5 of them, each in its own transaction, let exactly 5 through.
     */
    @Test
    void fiftyParallelReservesWithOneKeyLetExactlyTheBudgetThrough() {
        KeyCap key = new KeyCap(Ids.next("key"), 50L, BudgetPeriod.DAY);
        var outcomes = Concurrently.run(50, i -> reserve(key, 10, Ids.next("task")));

        assertThat(outcomes.stream().filter(Concurrently.Outcome::succeeded)).hasSize(5);
        assertThat(outcomes.stream().filter(o -> !o.succeeded()))
                .hasSize(45)
                .allSatisfy(o -> assertThat(o.failure()).isInstanceOf(KeyCapExceededException.class));
        assertThat(credits.keyBudgetUsage(key.apiKeyId(), BudgetPeriod.DAY).spent())
                .isEqualTo(50);
        assertThat(ledgerPeriods(key).values()).containsExactly(50L);
    }

    /**
     * The rule in docs/credits.md: a budget measures what the key spent. An admin refund of a succeeded task
     * ({@code refund:<task>}, a positive adjustment) gives the credits back to the balance, not to the key's budget.
     */
    @Test
    void anAdminRefundRestoresTheBalanceButNotTheKeysBudget() {
        KeyCap key = new KeyCap(Ids.next("key"), 50L, BudgetPeriod.MONTH);
        reserve(key, 50, "task_refunded");
        credits.capture(new Capture("task_refunded", 50));
        long spendable = credits.balance(workspace).spendable();

        credits.adjust(new Adjust(workspace, 50, "refund:task_refunded", "adm_1", "bad image"));

        assertThat(credits.balance(workspace).spendable()).isEqualTo(spendable + 50);
        assertThat(credits.keyBudgetUsage(key.apiKeyId(), BudgetPeriod.MONTH).spent())
                .isEqualTo(50);
        assertRefused(key, 1, 50, BudgetPeriod.MONTH.end(clock.instant()));
        // The workspace's other keys and the studio can spend the refunded credits.
        credits.reserve(new Reserve(workspace, 50, Ids.next("task"), null, "usr_1"));
    }

    /**
     * Random reserves, captures, releases and clock moves across period boundaries (seed: {@code -Dbudget.seed}); after
     * every step, no period of the key has more spent than its budget, and every reserve was accepted exactly when a
     * model of the rule says it should be.
     */
    @Test
    void aKeyNeverSpendsMoreThanItsBudgetInAnyPeriod() {
        long seed = Long.getLong("budget.seed", System.nanoTime());
        System.out.println("KeyBudgetLedgerIT seed: -Dbudget.seed=" + seed);
        Random random = new Random(seed);
        for (BudgetPeriod period : BudgetPeriod.values()) {
            runSequence(period, random, seed);
        }
    }

    private void runSequence(BudgetPeriod period, Random random, long seed) {
        long budget = 20 + random.nextInt(80);
        KeyCap key = new KeyCap(Ids.next("key"), budget, period);
        record Held(String reference, long credits, Instant at) {}
        List<Held> open = new ArrayList<>();
        Map<Instant, Long> spentByPeriod = new HashMap<>(); // the model: period start → held or captured
        int accepted = 0;
        int refused = 0;
        long maxStep = switch (period) {
            case DAY -> Duration.ofHours(9).toSeconds();
            case WEEK -> Duration.ofDays(2).toSeconds();
            case MONTH -> Duration.ofDays(8).toSeconds();
        };
        for (int step = 0; step < 250; step++) {
            String context = "seed " + seed + ", " + period + ", step " + step;
            int action = random.nextInt(10);
            if (action < 5) {
                long amount = 1 + random.nextInt((int) budget / 2);
                String reference = Ids.next("task");
                Instant now = clock.instant();
                Instant start = period.start(now);
                boolean fits = spentByPeriod.getOrDefault(start, 0L) + amount <= budget;
                try {
                    reserve(key, amount, reference);
                    assertThat(fits).as(context + ": accepted " + amount).isTrue();
                    spentByPeriod.merge(start, amount, Long::sum);
                    open.add(new Held(reference, amount, now));
                    accepted++;
                } catch (KeyCapExceededException capped) {
                    assertThat(fits).as(context + ": refused " + amount).isFalse();
                    assertThat(capped.used()).as(context).isEqualTo(spentByPeriod.getOrDefault(start, 0L));
                    refused++;
                }
            } else if (action < 7 && !open.isEmpty()) {
                Held held = open.remove(random.nextInt(open.size()));
                long captured = 1 + random.nextInt((int) held.credits());
                credits.capture(new Capture(held.reference(), captured));
                spentByPeriod.merge(period.start(held.at()), captured - held.credits(), Long::sum);
            } else if (action < 8 && !open.isEmpty()) {
                Held held = open.remove(random.nextInt(open.size()));
                credits.release(new Release(held.reference()));
                spentByPeriod.merge(period.start(held.at()), -held.credits(), Long::sum);
            } else {
                clock.advance(Duration.ofSeconds(random.nextLong(maxStep)));
            }
            assertThat(credits.keyBudgetUsage(key.apiKeyId(), period).spent())
                    .as(context)
                    .isEqualTo(spentByPeriod.getOrDefault(period.start(clock.instant()), 0L));
            ledgerPeriods(key)
                    .forEach((start, spent) -> assertThat(spent)
                            .as(context + ": period from " + start)
                            .isLessThanOrEqualTo(budget));
        }
        assertThat(ledgerPeriods(key)).as("seed " + seed).isEqualTo(withoutZeros(spentByPeriod));
        assertThat(accepted).as("seed " + seed + ": some reserves accepted").isPositive();
        assertThat(refused).as("seed " + seed + ": some reserves refused").isPositive();
        assertThat(ledgerPeriods(key).size())
                .as("seed " + seed + ": periods crossed")
                .isGreaterThan(1);
    }

    /** What the ledger's rows say the key spent, per period: held or captured, by the time each reservation was made. */
    private Map<Instant, Long> ledgerPeriods(KeyCap key) {
        Map<Instant, Long> spent = new HashMap<>();
        jdbc.query(
                "select created_at, state, credits, captured from credit_reservation where api_key_id = ?",
                rs -> {
                    Instant made = rs.getObject("created_at", java.time.LocalDateTime.class)
                            .toInstant(ZoneOffset.UTC);
                    long amount = switch (rs.getString("state")) {
                        case "HELD" -> rs.getLong("credits");
                        case "CAPTURED" -> rs.getLong("captured");
                        default -> 0;
                    };
                    spent.merge(key.period().start(made), amount, Long::sum);
                },
                key.apiKeyId());
        return withoutZeros(spent);
    }

    private static Map<Instant, Long> withoutZeros(Map<Instant, Long> spent) {
        Map<Instant, Long> result = new HashMap<>(spent);
        result.values().removeIf(v -> v == 0);
        return result;
    }

    private long usageBetween(KeyCap key, Instant from, Instant to) {
        return jdbc.queryForObject(
                "select coalesce(sum(case state when 'HELD' then credits when 'CAPTURED' then captured else 0 end), 0)"
                        + " from credit_reservation where api_key_id = ? and created_at >= ? and created_at < ?",
                Long.class,
                key.apiKeyId(),
                java.time.LocalDateTime.ofInstant(from, ZoneOffset.UTC),
                java.time.LocalDateTime.ofInstant(to, ZoneOffset.UTC));
    }
}
