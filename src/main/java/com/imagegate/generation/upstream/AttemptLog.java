package com.imagegate.generation.upstream;

import com.imagegate.Ids;
import com.imagegate.generation.ChannelTraffic;
import com.imagegate.generation.ProviderAttempt;
import com.imagegate.generation.UpstreamCost;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.jobs.annotations.Recurring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;

/**
 * The upstream calls of each task ({@code task_attempts}), written as they end, read as a task's timeline. Times are UTC
 * wall time in {@code datetime(6)}, as Hibernate stores them here. A call's cost is written with it, and added to its
 * task's {@code upstream_cost_micros} in the same transaction, so the task always carries the sum of its calls.
 */
public class AttemptLog {

    private static final Logger log = LoggerFactory.getLogger(AttemptLog.class);

    static final int BATCH = 1000;
    static final int LATENCY_SAMPLE = 10_000;

    private final JdbcClient jdbc;
    private final MeterRegistry registry;
    private final Duration retention;
    private final Clock clock;
    private final TransactionOperations transactions;

    /** @param retention how long attempts are kept (as long as the images: {@code imagegate.generation.tasks.retention}) */
    public AttemptLog(JdbcClient jdbc, Duration retention, Clock clock) {
        this(jdbc, retention, clock, new CompositeMeterRegistry(), TransactionOperations.withoutTransaction());
    }

    /**
     * As above, also timing every call on {@code imagegate.provider.calls} by channel, endpoint and outcome, and writing
     * a call and its task's cost sum in one transaction of {@code transactions}.
     */
    public AttemptLog(
            JdbcClient jdbc,
            Duration retention,
            Clock clock,
            MeterRegistry registry,
            TransactionOperations transactions) {
        this.registry = registry;
        this.jdbc = jdbc;
        this.retention = retention;
        this.clock = clock;
        this.transactions = transactions;
    }

    /**
     * Forgets attempts older than the retention, in batches (a JobRunr recurring job, once across nodes). Calls that
     * cost something are kept: they are the record of what the upstream charged (the margin page sums them).
     */
    @Recurring(id = "imagegate-task-attempts-cleanup", interval = "PT1H")
    @Job(name = "Delete old upstream attempts")
    public int deleteOld() {
        LocalDateTime before = LocalDateTime.ofInstant(
                clock.instant().minus(retention).truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        int deleted = 0;
        int batch;
        do {
            batch = jdbc.sql("delete from task_attempts where started_at < ? and cost_micros = 0 limit " + BATCH)
                    .param(before)
                    .update();
            deleted += batch;
        } while (batch == BATCH);
        return deleted;
    }

    /** Records one call; a failure to record is logged, never allowed to fail the task. */
    void record(ProviderAttempt attempt) {
        Timer.builder("imagegate.provider.calls")
                .description("Calls to the upstream image API")
                .tags(
                        "channel", attempt.channel(),
                        "endpoint", String.valueOf(attempt.endpoint()),
                        "outcome", attempt.errorCode() == null ? "ok" : attempt.errorCode())
                .publishPercentileHistogram()
                .register(registry)
                .record(attempt.duration());
        try {
            transactions.executeWithoutResult(status -> {
                jdbc.sql("insert into task_attempts (id, task_id, part, attempt, channel, endpoint, status_code,"
                                + " error_code, images, started_at, duration_ms, billed_images, cost_micros,"
                                + " cost_currency) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .params(
                                Ids.next("att"),
                                attempt.taskId(),
                                attempt.part(),
                                attempt.attempt(),
                                attempt.channel(),
                                attempt.endpoint(),
                                attempt.statusCode(),
                                attempt.errorCode(),
                                attempt.images(),
                                LocalDateTime.ofInstant(
                                        attempt.startedAt().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC),
                                attempt.duration().toMillis(),
                                attempt.billedImages(),
                                attempt.costMicros(),
                                attempt.costCurrency())
                        .update();
                if (attempt.costMicros() > 0) {
                    jdbc.sql("update image_tasks set upstream_cost_micros = upstream_cost_micros + ? where id = ?")
                            .params(attempt.costMicros(), attempt.taskId())
                            .update();
                }
            });
        } catch (RuntimeException e) {
            log.warn("Could not record an upstream attempt of {}: {}", attempt.taskId(), e.toString());
        }
    }

    /**
     * Calls per channel since {@code since}, by every node. Counts cover the whole window; latencies come from the
     * most recent {@value #LATENCY_SAMPLE} successful calls in it, so a busy hour costs one bounded read.
     */
    Map<String, ChannelTraffic> traffic(Instant since) {
        LocalDateTime from = LocalDateTime.ofInstant(since.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        Map<String, List<Long>> durations = new HashMap<>();
        jdbc.sql("select channel, duration_ms from task_attempts where started_at >= ? and error_code is null"
                        + " order by started_at desc limit " + LATENCY_SAMPLE)
                .param(from)
                .query(rs -> {
                    durations
                            .computeIfAbsent(rs.getString("channel"), c -> new ArrayList<>())
                            .add(rs.getLong("duration_ms"));
                });
        Map<String, ChannelTraffic> traffic = new TreeMap<>();
        jdbc.sql("select channel, count(*) as calls, sum(case when error_code is null then 1 else 0 end) as ok"
                        + " from task_attempts where started_at >= ? group by channel")
                .param(from)
                .query(rs -> {
                    String channel = rs.getString("channel");
                    long[] sorted = durations.getOrDefault(channel, List.of()).stream()
                            .mapToLong(Long::longValue)
                            .sorted()
                            .toArray();
                    traffic.put(
                            channel,
                            new ChannelTraffic(
                                    channel,
                                    rs.getLong("calls"),
                                    rs.getLong("ok"),
                                    ChannelRegistry.percentile(sorted, 50),
                                    ChannelRegistry.percentile(sorted, 95)));
                });
        return traffic;
    }

    List<ProviderAttempt> of(String taskId) {
        return jdbc.sql("select task_id, part, attempt, channel, endpoint, status_code, error_code, images, started_at,"
                        + " duration_ms, billed_images, cost_micros, cost_currency from task_attempts where task_id = ?"
                        + " order by started_at, part, attempt")
                .param(taskId)
                .query((rs, row) -> new ProviderAttempt(
                        rs.getString("task_id"),
                        rs.getInt("part"),
                        rs.getInt("attempt"),
                        rs.getString("channel"),
                        rs.getString("endpoint"),
                        rs.getObject("status_code") == null ? null : rs.getInt("status_code"),
                        rs.getString("error_code"),
                        rs.getInt("images"),
                        rs.getObject("started_at", LocalDateTime.class).toInstant(ZoneOffset.UTC),
                        Duration.ofMillis(rs.getLong("duration_ms")),
                        rs.getInt("billed_images"),
                        rs.getLong("cost_micros"),
                        rs.getString("cost_currency")))
                .list();
    }

    /** Calls started in {@code [from, to)} per UTC day, channel, workspace and currency (see UpstreamChannels.costs). */
    List<UpstreamCost> costs(Instant from, Instant to) {
        return jdbc.sql("select cast(a.started_at as date) as day, a.channel, t.workspace_id, a.cost_currency,"
                        + " count(*) as calls, sum(a.billed_images) as billed, sum(a.cost_micros) as cost"
                        + " from task_attempts a join image_tasks t on t.id = a.task_id"
                        + " where a.started_at >= ? and a.started_at < ? and a.cost_currency is not null"
                        + " group by cast(a.started_at as date), a.channel, t.workspace_id, a.cost_currency"
                        + " order by day, a.channel, t.workspace_id")
                .params(
                        LocalDateTime.ofInstant(from.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC),
                        LocalDateTime.ofInstant(to.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC))
                .query((rs, row) -> new UpstreamCost(
                        rs.getObject("day", java.time.LocalDate.class),
                        rs.getString("channel"),
                        rs.getString("workspace_id"),
                        rs.getString("cost_currency"),
                        rs.getLong("calls"),
                        rs.getLong("billed"),
                        rs.getLong("cost")))
                .list();
    }

    /** The cost sum a task carries (0 for an unknown task). */
    long taskCost(String taskId) {
        return jdbc.sql("select upstream_cost_micros from image_tasks where id = ?")
                .param(taskId)
                .query(Long.class)
                .optional()
                .orElse(0L);
    }
}
