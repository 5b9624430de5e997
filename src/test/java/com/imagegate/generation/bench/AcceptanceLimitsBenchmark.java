package com.imagegate.generation.bench;

import com.imagegate.Ids;
import com.imagegate.ImagegateApplication;
import com.imagegate.credits.BudgetPeriod;
import com.imagegate.credits.Capture;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LotSource;
import com.imagegate.generation.Caller;
import com.imagegate.generation.GenerationRequest;
import com.imagegate.generation.Generations;
import com.imagegate.generation.TaskSource;
import com.imagegate.generation.TaskView;
import com.imagegate.generation.UserQuotas;
import com.imagegate.testsupport.TestDatabase;
import com.imagegate.testsupport.TestDatabaseInitializer;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the spend controls add to accepting a task: {@code Generations.accept} in process (the whole accepting
 * transaction: balance-row lock, the end user's daily quota, the reservation with the key's budget, the concurrency
 * count, the task row, the job), timed per accepted task for four callers that differ only in their limits: none, a
 * monthly key budget, a daily quota per end user, both. Limits are set far above what the run spends, so every task is
 * accepted and each check runs in full. Before each row group the key and the end user (one of each, for the whole
 * run) already have 0, 5,000 or 20,000 tasks this period (seeded through the same path, untimed; the timed accepts of a
 * group add to the history as they go), so the sums the checks make grow as in production.
 *
 * <p>In process rather than over HTTP: the checks run inside the accept transaction, and HTTP would add key
 * authentication, the rate limiter, JSON and Tomcat around it, the same for every configuration but with a variance on
 * this shared machine larger than the effect measured. The four configurations run interleaved (in rotating order, in
 * blocks), so the neighbours' load falls on all of them alike.
 *
 * <p>Each accepted task is then ended outside the timing as a worker would end it (status {@code SUCCEEDED}, its
 * credits captured), so the history is finished tasks and captured reservations, and the plan's concurrency count stays
 * small. Nothing renders: no local workers, no JobRunr server.
 *
 * <p>Not a test: run it by hand like {@code ReserveCaptureBenchmark} (class {@code
 * com.imagegate.generation.bench.AcceptanceLimitsBenchmark}). Arguments: {@code [rounds per group, default 10] [accepts
 * per configuration per round, default 50] [history sizes, default 0,5000,20000]}.
 */
public final class AcceptanceLimitsBenchmark {

    private static final long PRICE = 10; // one 1024x1024 image

    private enum Limits {
        NONE("no limits", false, false),
        BUDGET("key budget only", true, false),
        QUOTA("user quota only", false, true),
        BOTH("key budget and user quota", true, true);

        final String label;
        final boolean budget;
        final boolean quota;

        Limits(String label, boolean budget, boolean quota) {
            this.label = label;
            this.budget = budget;
            this.quota = quota;
        }
    }

    private AcceptanceLimitsBenchmark() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int block = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int[] histories = args.length > 2
                ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {0, 5_000, 20_000};
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ImagegateApplication.class)
                .profiles("mysql")
                .initializers(new TestDatabaseInitializer())
                .properties("logging.level.root=WARN")
                // As arguments: they win over application.yaml (the builder's properties are only defaults, so a
                // "server.port=0" there loses to its 8080 and a second run on the machine would not start).
                .run(
                        "--server.port=0",
                        "--jobrunr.background-job-server.enabled=false",
                        "--imagegate.generation.tasks.local-workers=0");
        try {
            var bench = new AcceptanceLimitsBenchmark.Run(
                    context.getBean(Generations.class),
                    context.getBean(Credits.class),
                    context.getBean(UserQuotas.class),
                    context.getBean(JdbcClient.class));
            System.out.printf(
                    "database: %s; %d CPUs; %d rounds x %d accepts per configuration per group%n",
                    TestDatabase.get().description(), Runtime.getRuntime().availableProcessors(), rounds, block);
            String workspace = Ids.next("ws");
            bench.credits.grant(new Grant(
                    workspace, 1_000_000_000L, LotSource.ADMIN, null, "bench:" + workspace, "system", "bench"));
            bench.accept(workspace, Ids.next("key"), "warm-up", Limits.BOTH, 300);
            bench.accept(workspace, Ids.next("key"), "warm-up-2", Limits.NONE, 300);
            System.out.println("| limits | key's and user's tasks before | p50 ms | p95 ms | mean ms | extra p50 ms |"
                    + " extra mean ms |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            String key = Ids.next("key");
            String user = "bench-user";
            int made = 0;
            for (int history : histories) {
                if (history > made) {
                    bench.accept(workspace, key, user, Limits.NONE, history - made);
                    made = history;
                }
                Limits[] all = Limits.values();
                long[][] times = new long[all.length][rounds * block];
                for (int round = 0; round < rounds; round++) {
                    for (int i = 0; i < all.length; i++) {
                        Limits limits = all[(round + i) % all.length];
                        long[] got = bench.accept(workspace, key, user, limits, block);
                        System.arraycopy(got, 0, times[limits.ordinal()], round * block, block);
                    }
                }
                made += all.length * rounds * block;
                long[] none = sorted(times[Limits.NONE.ordinal()]);
                for (Limits limits : all) {
                    print(limits.label, history, sorted(times[limits.ordinal()]), none);
                }
            }
        } finally {
            context.close();
        }
    }

    private record Run(Generations generations, Credits credits, UserQuotas quotas, JdbcClient jdbc) {

        /** {@code count} accepts for {@code user} with {@code key}, each ended as succeeded after its timing. */
        long[] accept(String workspace, String key, String user, Limits limits, int count) {
            quotas.setDailyCreditLimit(workspace, limits.quota ? UserQuotas.MAX_DAILY_CREDIT_LIMIT : null, "bench");
            Caller caller = new Caller(
                    workspace,
                    key,
                    limits.budget ? Long.MAX_VALUE / 4 : null,
                    BudgetPeriod.MONTH,
                    false,
                    TaskSource.API,
                    "key:" + key,
                    null,
                    1_000_000,
                    null,
                    null);
            GenerationRequest request = GenerationRequest.builder()
                    .model("gpt-image-2")
                    .prompt("a lighthouse at dusk")
                    .size("1024x1024")
                    .user(user)
                    .build();
            long[] latencies = new long[count];
            for (int i = 0; i < count; i++) {
                long before = System.nanoTime();
                TaskView task = generations.accept(caller, request);
                latencies[i] = System.nanoTime() - before;
                succeed(task.id());
            }
            return latencies;
        }

        /** As a worker ends a task that rendered all its images (TaskRunner): status, then the capture. */
        private void succeed(String taskId) {
            int updated = jdbc.sql("update image_tasks set status = 'SUCCEEDED', credits_captured = credits,"
                            + " finished_at = ? where id = ? and status = 'PENDING'")
                    .params(Timestamp.from(Instant.now()), taskId)
                    .update();
            if (updated != 1) {
                throw new IllegalStateException("task " + taskId + " was not pending");
            }
            credits.capture(new Capture(taskId, PRICE));
        }
    }

    private static long[] sorted(long[] times) {
        long[] copy = times.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static void print(String label, int history, long[] sorted, long[] none) {
        double p50 = percentile(sorted, 0.5);
        double mean = mean(sorted);
        System.out.printf(
                "| %s | %,d | %.2f | %.2f | %.2f | %+.2f | %+.2f |%n",
                label, history, p50, percentile(sorted, 0.95), mean, p50 - percentile(none, 0.5), mean - mean(none));
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    private static double mean(long[] sorted) {
        return Arrays.stream(sorted).average().orElse(0) / 1e6;
    }
}
