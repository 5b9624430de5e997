package com.imagegate.credits.bench;

import com.imagegate.Ids;
import com.imagegate.ImagegateApplication;
import com.imagegate.credits.BudgetPeriod;
import com.imagegate.credits.Capture;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.KeyCap;
import com.imagegate.credits.LotSource;
import com.imagegate.credits.Reserve;
import com.imagegate.testsupport.TestDatabase;
import com.imagegate.testsupport.TestDatabaseInitializer;
import java.util.Arrays;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The cost of a key budget's check per reserve: reserve+capture pairs, one thread, with a key that has no budget and
 * with one that has a monthly budget, after the key already made 0, 5,000 and 20,000 reservations this month (the check
 * once summed the key's reservations of the period and grew with them; it now sums at most 31 daily totals, see
 * docs/benchmarks.md). Not a test: run it by hand like
 * {@link ReserveCaptureBenchmark}.
 *
 * <p>Arguments: {@code [pairs timed per row, default 1000]}.
 */
public final class KeyBudgetBenchmark {

    private KeyBudgetBenchmark() {}

    public static void main(String[] args) {
        int timed = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ImagegateApplication.class)
                .profiles("mysql")
                .initializers(new TestDatabaseInitializer())
                .properties("logging.level.root=WARN")
                // As arguments, so that they win over application.yaml (8080, JobRunr's server on).
                .run("--server.port=0", "--jobrunr.background-job-server.enabled=false");
        try {
            Credits credits = context.getBean(Credits.class);
            System.out.printf(
                    "database: %s; %d CPUs%n",
                    TestDatabase.get().description(), Runtime.getRuntime().availableProcessors());
            System.out.println("| key | its reservations this month before | p50 ms | p90 ms | mean ms |");
            System.out.println("|---|---:|---:|---:|---:|");
            String workspace = Ids.next("ws");
            credits.grant(new Grant(
                    workspace, 1_000_000_000L, LotSource.ADMIN, null, "bench:" + workspace, "system", "bench"));
            pairs(credits, workspace, new KeyCap(Ids.next("key"), null), 500); // warm-up
            KeyCap unbudgeted = new KeyCap(Ids.next("key"), null);
            KeyCap budgeted = new KeyCap(Ids.next("key"), Long.MAX_VALUE / 2, BudgetPeriod.MONTH);
            int made = 0;
            for (int before : new int[] {0, 5_000, 20_000}) {
                if (before > made) {
                    pairs(credits, workspace, budgeted, before - made);
                    pairs(credits, workspace, unbudgeted, before - made);
                    made = before;
                }
                print("no budget", before, pairs(credits, workspace, unbudgeted, timed));
                print("monthly budget", before, pairs(credits, workspace, budgeted, timed));
                made += timed;
            }
        } finally {
            context.close();
        }
    }

    private static long[] pairs(Credits credits, String workspace, KeyCap key, int count) {
        long[] latencies = new long[count];
        for (int i = 0; i < count; i++) {
            String reference = Ids.next("task");
            long before = System.nanoTime();
            credits.reserve(new Reserve(workspace, 10, reference, key, "bench"));
            credits.capture(new Capture(reference, 10));
            latencies[i] = System.nanoTime() - before;
        }
        Arrays.sort(latencies);
        return latencies;
    }

    private static void print(String key, int before, long[] sorted) {
        System.out.printf(
                "| %s | %,d | %.2f | %.2f | %.2f |%n",
                key,
                before,
                sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.9)] / 1e6,
                Arrays.stream(sorted).average().orElse(0) / 1e6);
    }
}
