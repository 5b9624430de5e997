package com.imagegate.credits.bench;

import com.imagegate.Ids;
import com.imagegate.ImagegateApplication;
import com.imagegate.credits.Capture;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LotSource;
import com.imagegate.credits.Reserve;
import com.imagegate.testsupport.TestDatabase;
import com.imagegate.testsupport.TestDatabaseInitializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Reserve+capture pairs per second on MariaDB (or whatever {@link TestDatabase} finds), through the public
 * {@link Credits} API in a full application context. Not a test: run it by hand, see {@code docs/benchmarks.md}.
 *
 * <p>Arguments: {@code [seconds per scenario, default 20] [warm-up seconds, default 5]}. Scenarios: 1 workspace with 1
 * thread; 16 workspaces with a thread each; 16 threads on 1 workspace (every pair contends for one row lock).
 */
public final class ReserveCaptureBenchmark {

    private ReserveCaptureBenchmark() {}

    public static void main(String[] args) throws Exception {
        Duration measure = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 20);
        Duration warmUp = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ImagegateApplication.class)
                .profiles("mysql")
                .initializers(new TestDatabaseInitializer())
                .properties(
                        "server.port=0",
                        "jobrunr.background-job-server.enabled=false",
                        "logging.level.root=WARN",
                        "spring.datasource.hikari.maximum-pool-size=20")
                .run();
        try {
            Credits credits = context.getBean(Credits.class);
            System.out.printf(
                    "database: %s; %d CPUs; %s%n",
                    TestDatabase.get().description(),
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            System.out.println("| workspaces | threads | pairs/s | p50 ms | p99 ms |");
            System.out.println("|---:|---:|---:|---:|---:|");
            run(credits, 1, 1, warmUp, measure);
            run(credits, 16, 16, warmUp, measure);
            run(credits, 1, 16, warmUp, measure);
        } finally {
            context.close();
        }
    }

    private static void run(Credits credits, int workspaces, int threads, Duration warmUp, Duration measure)
            throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < workspaces; i++) {
            String workspace = Ids.next("ws");
            credits.grant(new Grant(
                    workspace, 1_000_000_000L, LotSource.ADMIN, null, "bench:" + workspace, "system", "benchmark"));
            ids.add(workspace);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<long[]>> results = new ArrayList<>();
            long begin = System.nanoTime();
            long measureFrom = begin + warmUp.toNanos();
            long measureTo = measureFrom + measure.toNanos();
            for (int t = 0; t < threads; t++) {
                String workspace = ids.get(t % workspaces);
                results.add(pool.submit(() -> {
                    start.await();
                    long[] latencies = new long[1 << 20];
                    int n = 0;
                    while (true) {
                        long before = System.nanoTime();
                        if (before >= measureTo) {
                            break;
                        }
                        String reference = Ids.next("task");
                        credits.reserve(new Reserve(workspace, 10, reference, null, "bench"));
                        credits.capture(new Capture(reference, 10));
                        long after = System.nanoTime();
                        if (before >= measureFrom && after <= measureTo && n < latencies.length) {
                            latencies[n++] = after - before;
                        }
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<long[]> result : results) {
                for (long latency : result.get()) {
                    all.add(latency);
                }
            }
            all.sort(null);
            double seconds = measure.toNanos() / 1e9;
            System.out.printf(
                    "| %d | %d | %.0f | %.2f | %.2f |%n",
                    workspaces,
                    threads,
                    all.size() / seconds,
                    percentile(all, 0.50) / 1e6,
                    percentile(all, 0.99) / 1e6);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
}
