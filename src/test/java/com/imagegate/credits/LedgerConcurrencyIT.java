package com.imagegate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.Ids;
import com.imagegate.credits.internal.ExpiryJob;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.Concurrently.Outcome;
import com.imagegate.testsupport.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** The ledger under concurrent load on MariaDB: no overdraw, exactly-once settlement, sums that always add up. */
@CreditsIntegrationTest
class LedgerConcurrencyIT {

    private static final Logger log = LoggerFactory.getLogger(LedgerConcurrencyIT.class);

    @Autowired
    Credits credits;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    ExpiryJob expiryJob;

    long count(String reference) {
        return jdbc.queryForObject("select count(*) from credit_entry where reference = ?", Long.class, reference);
    }

    void grant(String workspace, long amount) {
        credits.grant(new Grant(workspace, amount, LotSource.PACK, null, "grant:" + Ids.next("ref"), "system", null));
    }

    /**
     * First credit writes of new workspaces inside callers' REPEATABLE READ transactions (a sign-up's grant, a free
     * test-key task's lock): before, a locking read of the missing balance row took a gap lock and two such callers
     * deadlocked on their inserts into the same gap.
     */
    @Test
    void firstWritesOfNewWorkspacesInsideRepeatableReadCallersNeverDeadlock() {
        var repeatableRead = new TransactionTemplate(transactions);
        repeatableRead.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        String shared = Ids.next("ws");
        List<Outcome<Long>> outcomes = Concurrently.run(
                40,
                i -> repeatableRead.execute(status -> {
                    String workspace = i % 2 == 0 ? Ids.next("ws") : shared;
                    if (i % 4 == 1) {
                        credits.lock(workspace);
                        return 0L;
                    }
                    return credits.grant(new Grant(
                                    workspace, 10, LotSource.SIGNUP, null, "first:" + Ids.next("ref"), "system", null))
                            .credits();
                }));
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.failure()).isNull());
        assertThat(credits.balance(shared).spendable()).isEqualTo(10L * 10);
    }

    @Test
    void fiftyConcurrentReservesOfTenAgainstAHundredLetExactlyTenThrough() {
        String workspace = Ids.next("ws");
        // Several lots, so reserves also race over which lot to take from.
        credits.grant(new Grant(
                workspace,
                30,
                LotSource.SIGNUP,
                clock.instant().plus(Duration.ofDays(1)),
                "s:" + workspace,
                "system",
                null));
        grant(workspace, 45);
        grant(workspace, 25);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
        Thread watcher = Thread.ofPlatform().start(() -> {
            do {
                lowest.accumulateAndGet(credits.balance(workspace).spendable(), Math::min);
            } while (running.get());
        });

        List<Outcome<Reservation>> outcomes = Concurrently.run(
                50, i -> credits.reserve(new Reserve(workspace, 10, "task_" + i + "_" + workspace, null, "usr_1")));
        running.set(false);
        joinQuietly(watcher);

        assertThat(outcomes.stream().filter(Outcome::succeeded)).hasSize(10);
        assertThat(outcomes.stream().filter(o -> !o.succeeded()))
                .hasSize(40)
                .allSatisfy(o -> assertThat(o.failure()).isInstanceOf(InsufficientCreditsException.class));
        Balance balance = credits.balance(workspace);
        assertThat(balance.spendable()).isZero();
        assertThat(balance.reserved()).isEqualTo(100);
        assertThat(lowest.get()).isBetween(0L, 100L);
        assertThat(jdbc.queryForObject(
                        "select count(*) from credit_entry where workspace_id = ? and kind = 'RESERVE'",
                        Long.class,
                        workspace))
                .isEqualTo(10);
        assertThat(jdbc.queryForObject(
                        "select min(available) from credit_lot where workspace_id = ?", Long.class, workspace))
                .isZero();
        assertThat(credits.integrityReport().consistent()).isTrue();
    }

    @Test
    void fiftyConcurrentReleasesOfOneReservationWriteOneReleaseEntry() {
        String workspace = Ids.next("ws");
        grant(workspace, 100);
        String reference = "task_" + workspace;
        credits.reserve(new Reserve(workspace, 60, reference, null, "usr_1"));

        List<Outcome<Settlement>> outcomes = Concurrently.run(50, i -> credits.release(new Release(reference)));

        assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
        assertThat(outcomes.stream().map(Outcome::value).distinct()).hasSize(1);
        assertThat(outcomes.get(0).value().released()).isEqualTo(60);
        assertThat(count("release:" + reference)).isEqualTo(1);
        assertThat(credits.balance(workspace).spendable()).isEqualTo(100);
        assertThat(credits.balance(workspace).reserved()).isZero();
    }

    @Test
    void racingCapturesAndReleasesOfOneReservationSettleItOnce() {
        String workspace = Ids.next("ws");
        grant(workspace, 100);
        String reference = "task_" + workspace;
        credits.reserve(new Reserve(workspace, 40, reference, null, "usr_1"));

        List<Outcome<Settlement>> outcomes = Concurrently.run(
                50,
                i -> i % 2 == 0
                        ? credits.capture(new Capture(reference, 40))
                        : credits.release(new Release(reference)));

        List<Settlement> settlements = outcomes.stream()
                .filter(Outcome::succeeded)
                .map(Outcome::value)
                .distinct()
                .toList();
        assertThat(settlements).hasSize(1);
        Settlement settlement = settlements.get(0);
        assertThat(outcomes.stream().filter(Outcome::succeeded)).hasSize(25);
        assertThat(outcomes.stream().filter(o -> !o.succeeded()))
                .allSatisfy(o -> assertThat(o.failure()).isInstanceOf(IllegalTransitionException.class));
        boolean captured = settlement.outcome() == Settlement.Outcome.CAPTURED;
        assertThat(count("capture:" + reference)).isEqualTo(captured ? 1 : 0);
        assertThat(count("release:" + reference)).isEqualTo(captured ? 0 : 1);
        assertThat(credits.balance(workspace).spendable()).isEqualTo(captured ? 60 : 100);
    }

    @Test
    void tenThousandRandomOperationsKeepEveryBalanceEqualToTheSumOfItsEntries() {
        long seed = System.nanoTime();
        log.info("Random ledger run, seed {}", seed);
        int threads = 8;
        List<String> workspaces = new ArrayList<>();
        Map<String, Model> models = new ConcurrentHashMap<>();
        for (int i = 0; i < 6; i++) {
            String workspace = Ids.next("ws");
            workspaces.add(workspace);
            models.put(workspace, new Model());
        }
        ConcurrentLinkedQueue<Reservation> open = new ConcurrentLinkedQueue<>();
        List<Settlement> settled = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger remaining = new AtomicInteger(10_000);
        AtomicInteger refusals = new AtomicInteger();
        List<Outcome<Integer>> outcomes = Concurrently.run(threads, thread -> {
            Random random = new Random(seed + thread);
            int done = 0;
            while (remaining.getAndDecrement() > 0) {
                String workspace = workspaces.get(random.nextInt(workspaces.size()));
                Model model = models.get(workspace);
                int dice = random.nextInt(100);
                try {
                    if (dice < 10) {
                        long amount = 1 + random.nextInt(200);
                        // Other threads move the clock meanwhile (≤ 10 min a step): leave room for several steps, so
                        // the expiry is still in the future when the ledger checks it.
                        var expiresAt = random.nextBoolean()
                                ? null
                                : clock.instant().plus(Duration.ofMinutes(120 + random.nextInt(180)));
                        credits.grant(new Grant(
                                workspace, amount, LotSource.PACK, expiresAt, "g:" + Ids.next("ref"), "system", null));
                        model.granted.addAndGet(amount);
                    } else if (dice < 50) {
                        open.add(credits.reserve(new Reserve(
                                workspace, 1 + random.nextInt(60), Ids.next("task"), null, "usr_" + thread)));
                    } else if (dice < 68) {
                        Reservation reservation = open.poll();
                        if (reservation != null) {
                            Settlement settlement = credits.capture(new Capture(
                                    reservation.reference(), 1 + random.nextInt((int) reservation.credits())));
                            models.get(reservation.workspaceId()).captured.addAndGet(settlement.captured());
                            settled.add(settlement);
                        }
                    } else if (dice < 84) {
                        Reservation reservation = open.poll();
                        if (reservation != null) {
                            settled.add(credits.release(new Release(reservation.reference())));
                        }
                    } else if (dice < 90) {
                        replay(settled, random);
                    } else if (dice < 94) {
                        long amount = random.nextBoolean() ? 1 + random.nextInt(50) : -(1 + random.nextInt(50));
                        credits.adjust(new Adjust(workspace, amount, "a:" + Ids.next("ref"), "adm_1", "random"));
                        model.adjusted.addAndGet(amount);
                    } else if (dice < 96) {
                        LedgerEntry clawback = credits.clawback(new Clawback(
                                workspace, 1 + random.nextInt(80), "c:" + Ids.next("ref"), "system", null));
                        model.clawedBack.addAndGet(-clawback.credits());
                    } else if (dice < 98) {
                        clock.advance(Duration.ofMinutes(1 + random.nextInt(10)));
                    } else {
                        expiryJob.writeOffExpiredLots();
                    }
                } catch (InsufficientCreditsException refused) {
                    refusals.incrementAndGet();
                }
                done++;
            }
            return done;
        });
        // No operation failed, so none was stopped by the database's checks that keep every total at or above zero.
        assertThat(outcomes)
                .allSatisfy(o -> assertThat(o.failure()).as("seed %d", seed).isNull());
        assertThat(outcomes.stream().mapToInt(Outcome::value).sum()).isEqualTo(10_000);
        assertThat(refusals.get())
                .as("some reserves were refused for lack of credits")
                .isPositive();
        assertLedgerAddsUp(workspaces, models, seed);

        // Settle everything, write off what has expired: nothing is left open and the sums still hold.
        for (Reservation reservation = open.poll(); reservation != null; reservation = open.poll()) {
            credits.release(new Release(reservation.reference()));
        }
        clock.advance(Duration.ofHours(4));
        expiryJob.writeOffExpiredLots();
        assertLedgerAddsUp(workspaces, models, seed);
        for (String workspace : workspaces) {
            Balance balance = credits.balance(workspace);
            assertThat(balance.reserved()).isZero();
            assertThat(balance.spendable()).isEqualTo(accountSpendable(workspace));
        }
        IntegrityReport report = credits.integrityReport();
        assertThat(report.consistent()).as("%s", report.discrepancies()).isTrue();
        assertThat(report.staleReservations()).noneMatch(stale -> workspaces.contains(stale.workspaceId()));
    }

    private void replay(List<Settlement> settled, Random random) {
        Settlement earlier;
        synchronized (settled) {
            if (settled.isEmpty()) {
                return;
            }
            earlier = settled.get(random.nextInt(settled.size()));
        }
        Settlement again = earlier.outcome() == Settlement.Outcome.CAPTURED
                ? credits.capture(new Capture(earlier.reference(), earlier.captured()))
                : credits.release(new Release(earlier.reference()));
        if (!again.equals(earlier)) {
            throw new AssertionError("replay of " + earlier + " returned " + again);
        }
        try {
            if (earlier.outcome() == Settlement.Outcome.CAPTURED) {
                credits.release(new Release(earlier.reference()));
            } else {
                credits.capture(new Capture(earlier.reference(), 1));
            }
            throw new AssertionError("an illegal transition of " + earlier + " went through");
        } catch (IllegalTransitionException expected) {
            // refused, as it must be
        }
    }

    /**
     * For every workspace: the cached totals equal the sums of the entries, and what the test granted, adjusted,
     * captured and clawed back explains everything that is left (plus what expired).
     */
    private void assertLedgerAddsUp(List<String> workspaces, Map<String, Model> models, long seed) {
        for (String workspace : workspaces) {
            Map<String, Object> sums = jdbc.queryForMap(
                    "select coalesce(sum(amount), 0) as amount, coalesce(sum(held), 0) as held,"
                            + " coalesce(sum(case when kind = 'EXPIRY' then amount else 0 end), 0) as expired"
                            + " from credit_entry where workspace_id = ?",
                    workspace);
            Map<String, Object> account = jdbc.queryForMap(
                    "select spendable, reserved from credit_account where workspace_id = ?", workspace);
            long amount = ((Number) sums.get("amount")).longValue();
            long held = ((Number) sums.get("held")).longValue();
            long expired = ((Number) sums.get("expired")).longValue();
            assertThat(((Number) account.get("spendable")).longValue())
                    .as("seed %d", seed)
                    .isEqualTo(amount);
            assertThat(((Number) account.get("reserved")).longValue())
                    .as("seed %d", seed)
                    .isEqualTo(held);
            assertThat(credits.balance(workspace).reserved()).isEqualTo(held);
            assertThat(amount).isGreaterThanOrEqualTo(0);
            Model model = models.get(workspace);
            assertThat(amount + held)
                    .as("credits left in %s, seed %d", workspace, seed)
                    .isEqualTo(model.granted.get()
                            + model.adjusted.get()
                            - model.clawedBack.get()
                            - model.captured.get()
                            + expired);
        }
        assertThat(credits.integrityReport().consistent()).isTrue();
    }

    private long accountSpendable(String workspace) {
        return jdbc.queryForObject(
                "select spendable from credit_account where workspace_id = ?", Long.class, workspace);
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the test itself did to a workspace, to check the ledger against. */
    static final class Model {
        final AtomicLong granted = new AtomicLong();
        final AtomicLong adjusted = new AtomicLong();
        final AtomicLong clawedBack = new AtomicLong();
        final AtomicLong captured = new AtomicLong();
    }
}
