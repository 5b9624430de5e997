package com.imagegate.generation.internal;

import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.SizeClass;
import com.imagegate.generation.TaskView;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Where pending tasks stand: their position (the pending tasks for the same provider accepted before them, counted on
 * the {@code (status, created_at)} index) and an estimate of when they end.
 * The estimate uses two figures each node keeps for {@code imagegate.generation.tasks.queue-stats-ttl} (5 s): the
 * median render time (started → finished) of the last {@value #RECENT} succeeded tasks of the provider and size class,
 * and when each of the provider's tasks rendering now started (their number is the capacity in use, at least 1; how
 * long they have rendered already, counted at each estimate, is taken off the wait for them).
 */
@Component
class TaskQueue {

    /** A pending task's tasks-ahead count: a scalar subquery for the statements that read tasks. */
    static final String AHEAD = """
            case when t.status = 'PENDING' then (select count(*) from image_tasks p where p.status = 'PENDING'
                and p.provider = t.provider and (p.created_at < t.created_at
                or (p.created_at = t.created_at and p.id < t.id))) end""";

    static final int RECENT = 50;
    static final int QUEUE_SCAN = 5000;

    private final JdbcClient jdbc;
    private final long ttlNanos;
    private volatile Stats stats;

    TaskQueue(JdbcClient jdbc, GenerationProperties properties) {
        this.jdbc = jdbc;
        this.ttlNanos = properties.tasks().queueStatsTtl().toNanos();
    }

    /**
     * Recent render medians by provider and size class, and the start of each task rendering now by provider.
     */
    record Stats(
            Map<String, Map<SizeClass, Duration>> medians, Map<String, List<Instant>> rendering, long readAtNanos) {}

    /** The queue of a pending task with {@code ahead} tasks before it; null when {@code ahead} is null. */
    TaskView.Queue queue(Integer ahead, String provider, String size) {
        if (ahead == null) {
            return null;
        }
        int position = ahead + 1;
        return new TaskView.Queue(position, eta(position, provider, size));
    }

    /** The place of a task if it is still pending, else null (one statement on the status index). */
    TaskView.Queue place(String taskId, String size) {
        return jdbc.sql("select t.provider, " + AHEAD + " as ahead from image_tasks t where t.id = :id"
                        + " and t.status = 'PENDING'")
                .param("id", taskId)
                .query((rs, row) -> queue(rs.getInt("ahead"), rs.getString("provider"), size))
                .optional()
                .orElse(null);
    }

    /**
     * Tasks ahead of each of these pending tasks, from one read of the pending queue in order (its first {@value
     * #QUEUE_SCAN} tasks, on the {@code (status, created_at)} index): one pass however many are watched, where a
     * count per task would read the queue's head once for each. Tasks deeper than that are counted one by one; tasks
     * no longer pending are left out.
     */
    Map<String, Integer> aheadInQueue(Collection<String> pendingIds) {
        Set<String> wanted = new HashSet<>(pendingIds);
        Map<String, Integer> ahead = new HashMap<>();
        Map<String, Integer> perProvider = new HashMap<>();
        jdbc.sql("select id, provider from image_tasks where status = 'PENDING' order by created_at, id limit "
                        + QUEUE_SCAN)
                .query(rs -> {
                    int before = perProvider.merge(rs.getString("provider"), 1, Integer::sum) - 1;
                    if (wanted.contains(rs.getString("id"))) {
                        ahead.put(rs.getString("id"), before);
                    }
                });
        if (ahead.size() < wanted.size()) {
            wanted.removeAll(ahead.keySet());
            ahead.putAll(ahead(wanted));
        }
        return ahead;
    }

    /** Tasks ahead of each of these tasks that is pending (one statement); others are left out. */
    Map<String, Integer> ahead(Collection<String> taskIds) {
        Map<String, Integer> ahead = new HashMap<>();
        if (taskIds.isEmpty()) {
            return ahead;
        }
        jdbc.sql("select t.id, " + AHEAD + " as ahead from image_tasks t where t.id in (:ids)"
                        + " and t.status = 'PENDING'")
                .param("ids", taskIds)
                .query((rs, row) -> ahead.put(rs.getString("id"), rs.getInt("ahead")))
                .list();
        return ahead;
    }

    /**
     * Seconds until a task at {@code position} ends, estimated by {@link #etaMillis} from the median render time of
     * its size class and how long the provider's rendering tasks have run already. Null without a recent render of its
     * size class.
     */
    Long eta(int position, String provider, String size) {
        Stats stats = stats();
        var byClass = stats.medians().get(provider);
        SizeClass sizeClass = ImageSize.parse(size).map(ImageSize::sizeClass).orElse(SizeClass.STANDARD);
        Duration median = byClass == null ? null : byClass.get(sizeClass);
        if (median == null) {
            return null;
        }
        Instant now = Instant.now();
        long[] elapsed = stats.rendering().getOrDefault(provider, List.of()).stream()
                .mapToLong(started -> Duration.between(started, now).toMillis())
                .toArray();
        return Math.max(1, (etaMillis(position, median.toMillis(), elapsed) + 999) / 1000);
    }

    /**
     * Milliseconds until the task at {@code position} (from 1) ends: it starts when the slot it waits for frees, then
     * renders for a median. The slots are the tasks rendering now; each frees after what is left of its median
     * ({@code median − elapsed}, never below zero nor above a median), then every median after. When none renders, one
     * slot is free now (the next task starts at once). So the estimate runs down smoothly as the renders ahead go on,
     * and does not jump when one ends and the next starts. Tasks ahead take the slots in the order they free, so the
     * task at position p gets the ((p − 1) mod slots)-th soonest slot after (p − 1) div slots further rounds.
     *
     * @param elapsedMillis how long each rendering task has run already
     */
    static long etaMillis(int position, long medianMillis, long[] elapsedMillis) {
        if (position < 1) {
            throw new IllegalArgumentException("position starts at 1: " + position);
        }
        long median = Math.max(0, medianMillis);
        long[] remaining = elapsedMillis.length == 0
                ? new long[] {0}
                : java.util.Arrays.stream(elapsedMillis)
                        .map(elapsed -> Math.clamp(median - Math.max(0, elapsed), 0, median))
                        .sorted()
                        .toArray();
        int slots = remaining.length;
        int ahead = position - 1;
        return remaining[ahead % slots] + (long) (ahead / slots) * median + median;
    }

    private Stats stats() {
        Stats current = stats;
        if (current != null && System.nanoTime() - current.readAtNanos() < ttlNanos) {
            return current;
        }
        synchronized (this) {
            current = stats;
            if (current == null || System.nanoTime() - current.readAtNanos() >= ttlNanos) {
                current = read();
                stats = current;
            }
            return current;
        }
    }

    private Stats read() {
        Map<String, List<Instant>> rendering = new HashMap<>();
        jdbc.sql("select provider, started_at from image_tasks where status = 'PROCESSING'")
                .query(rs -> {
                    Instant started = SqlTimes.instant(rs, "started_at");
                    rendering
                            .computeIfAbsent(rs.getString("provider"), p -> new ArrayList<>())
                            .add(started == null ? Instant.now() : started);
                });
        Map<String, Map<SizeClass, List<Long>>> samples = new HashMap<>();
        // Newest first on the (status, created_at) index; at most RECENT per class are kept.
        jdbc.sql("select provider, size, started_at, finished_at from image_tasks where status = 'SUCCEEDED'"
                        + " and started_at is not null and finished_at is not null order by created_at desc limit "
                        + RECENT * SizeClass.values().length * 4)
                .query((rs, row) -> {
                    Timestamp started = rs.getTimestamp("started_at");
                    Timestamp finished = rs.getTimestamp("finished_at");
                    SizeClass sizeClass = ImageSize.parse(rs.getString("size"))
                            .map(ImageSize::sizeClass)
                            .orElse(SizeClass.STANDARD);
                    var list = samples.computeIfAbsent(rs.getString("provider"), p -> new EnumMap<>(SizeClass.class))
                            .computeIfAbsent(sizeClass, c -> new ArrayList<>());
                    if (list.size() < RECENT) {
                        list.add(Math.max(0, finished.getTime() - started.getTime()));
                    }
                    return row;
                })
                .list();
        Map<String, Map<SizeClass, Duration>> medians = new HashMap<>();
        samples.forEach((provider, byClass) -> {
            Map<SizeClass, Duration> out = new EnumMap<>(SizeClass.class);
            byClass.forEach((sizeClass, millis) -> out.put(sizeClass, Duration.ofMillis(median(millis))));
            medians.put(provider, out);
        });
        return new Stats(medians, rendering, System.nanoTime());
    }

    static long median(List<Long> values) {
        var sorted = values.stream().sorted().toList();
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }
}
