package com.imagegate.generation.internal;

import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.TaskEvent;
import com.imagegate.generation.TaskEventLimits;
import com.imagegate.generation.TaskEventPlace;
import com.imagegate.generation.TaskEventSink;
import com.imagegate.generation.TaskEventStream;
import com.imagegate.generation.TaskEvents;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.TaskView;
import com.imagegate.generation.internal.TaskEventLog.Cursor;
import com.imagegate.generation.internal.TaskEventLog.State;
import com.imagegate.generation.spi.ImageStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Everyone on this node who waits for a task: long-poll waiters ({@code GET …?wait=N}, futures that complete when the
 * task ends) and event streams ({@link TaskEvents}). Neither holds a thread or a database connection while it waits.
 * While at least one is registered, the node reads every watched task in one batched statement every {@code
 * imagegate.generation.tasks.watch-interval} (400 ms), so changes made by any node are seen (plus, when some of them
 * are pending, one ordered read of the pending queue for their places); a change made on this
 * node ({@link #changed}) triggers that read at once. A stream's events are written by a virtual thread, one stream's
 * writes in order, so a slow client never holds up the read or another stream.
 */
@Component
class TaskWatcher implements TaskEvents, InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(TaskWatcher.class);
    private static final int BATCH = 500;
    private static final int FEW_PENDING = 8;

    private final Map<String, List<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private final Map<String, Set<Stream>> streams = new ConcurrentHashMap<>();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final StreamCounts counts = new StreamCounts();
    private final AtomicBoolean readRequested = new AtomicBoolean();
    private final Object reading = new Object();
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private final JdbcClient jdbc;
    private final TaskViews views;
    private final TaskQueue queue;
    private final TaskScheduler scheduler;
    private final Duration interval;
    private final ImageStore store;
    private final FileUrls fileUrls;
    private ScheduledFuture<?> ticking;

    /** How long a partial image's link is valid: it is a preview, deleted some minutes after the task ends. */
    static final Duration PARTIAL_LINK_TTL = Duration.ofMinutes(10);

    TaskWatcher(
            JdbcClient jdbc,
            TaskViews views,
            TaskQueue queue,
            TaskScheduler scheduler,
            GenerationProperties properties,
            MeterRegistry registry,
            ImageStore store,
            FileUrls fileUrls) {
        this.store = store;
        this.fileUrls = fileUrls;
        this.jdbc = jdbc;
        this.views = views;
        this.queue = queue;
        this.scheduler = scheduler;
        this.interval = properties.tasks().watchInterval();
        Gauge.builder("imagegate.tasks.streams.open", openStreams, AtomicInteger::get)
                .description("Task event streams open on this node")
                .register(registry);
        Gauge.builder("imagegate.tasks.watched", streams, s -> s.size() + waiting.size())
                .description("Task ids this node reads in each watch round (streams and long polls)")
                .register(registry);
    }

    @Override
    public void afterPropertiesSet() {
        ticking = scheduler.scheduleWithFixedDelay(this::tick, interval);
    }

    @Override
    public void destroy() {
        if (ticking != null) {
            ticking.cancel(false);
        }
        streams.values().forEach(set -> set.forEach(Stream::close));
        writers.shutdown();
    }

    /**
     * On shutdown, before the web server's graceful stop (which waits for open requests), end every stream: its
     * client reconnects with {@code Last-Event-ID}, to another node behind the load balancer.
     */
    @EventListener(ContextClosedEvent.class)
    void closeStreams() {
        streams.values().forEach(set -> set.forEach(Stream::close));
    }

    // --- long polls

    /** Completes when the task ends, or normally after {@code wait} (the caller then reads the task as it is). */
    CompletableFuture<Void> await(String taskId, Duration wait) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        waiting.computeIfAbsent(taskId, id -> new CopyOnWriteArrayList<>()).add(future);
        future.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, error) -> forget(taskId, future));
        return future;
    }

    /** The task ended on this node: its waiters are answered at once, its streams at the next read (now). */
    void finished(String taskId) {
        var futures = waiting.remove(taskId);
        if (futures != null) {
            futures.forEach(f -> f.complete(null));
        }
        changed(taskId);
    }

    /** A task changed on this node (claimed, ended): read the watched tasks now rather than at the next round. */
    void changed(String taskId) {
        if (!streams.isEmpty() && readRequested.compareAndSet(false, true)) {
            writers.execute(() -> {
                readRequested.set(false);
                tick();
            });
        }
    }

    private void forget(String taskId, CompletableFuture<Void> future) {
        waiting.computeIfPresent(taskId, (id, futures) -> {
            futures.remove(future);
            return futures.isEmpty() ? null : futures;
        });
    }

    // --- streams

    @Override
    public Optional<TaskEventStream> open(
            String workspaceId, String taskId, String lastEventId, TaskEventLimits limits, TaskEventSink sink) {
        TaskQueries.requirePlausibleId(taskId);
        // Counted first, so a refused stream costs no read.
        return open(workspaceId, taskId, lastEventId, hold(workspaceId, limits), sink);
    }

    @Override
    public TaskEventPlace hold(String workspaceId, TaskEventLimits limits) {
        return new Place(workspaceId, limits, counts.hold(workspaceId, limits));
    }

    /** A place under the cap: its limits, and how it is given back (once); a stream takes it over at most once. */
    private static final class Place implements TaskEventPlace {

        private final String workspaceId;
        private final TaskEventLimits limits;
        private final Runnable release;
        private final AtomicBoolean taken = new AtomicBoolean();

        Place(String workspaceId, TaskEventLimits limits, Runnable release) {
            this.workspaceId = workspaceId;
            this.limits = limits;
            this.release = release;
        }

        @Override
        public void close() {
            if (taken.compareAndSet(false, true)) {
                release.run();
            }
        }
    }

    @Override
    public Optional<TaskEventStream> open(
            String workspaceId, String taskId, String lastEventId, TaskEventPlace place, TaskEventSink sink) {
        if (!(place instanceof Place held) || !held.workspaceId.equals(workspaceId)) {
            throw new IllegalArgumentException("Not a place held for workspace " + workspaceId);
        }
        if (!held.taken.compareAndSet(false, true)) {
            throw new IllegalStateException("This place was used or given back already");
        }
        TaskEventLimits limits = held.limits;
        Runnable release = held.release;
        boolean kept = false;
        try {
            TaskQueries.requirePlausibleId(taskId);
            TaskView task = views.read(workspaceId, taskId).orElseThrow(TaskQueries::notFound);
            State now = State.of(task, partials(taskId));
            Cursor seen = Cursor.parse(lastEventId);
            if (seen != null && seen.ahead(now)) {
                seen = null; // not an id this task has given: start from the task as it is
            }
            if (seen != null && seen.seq() == 3) {
                return Optional.empty();
            }
            var stream = new Stream(workspaceId, taskId, seen, limits, sink, release);
            streams.computeIfAbsent(taskId, id -> ConcurrentHashMap.newKeySet()).add(stream);
            openStreams.incrementAndGet();
            kept = true;
            stream.advance(now, () -> task);
            return Optional.of(stream);
        } finally {
            if (!kept) {
                release.run();
            }
        }
    }

    private int partials(String taskId) {
        return jdbc.sql("select partials from image_tasks where id = :id")
                .param("id", taskId)
                .query(Integer.class)
                .optional()
                .orElse(0);
    }

    /** The signed link of a task's k-th partial image (a presigned URL when the store serves files itself). */
    private TaskEvent.Partial partialLink(TaskView task, int k) {
        String extension =
                OutputFormat.parse(task.outputFormat()).orElse(OutputFormat.PNG).extension();
        String key = TaskRunner.partialKey(task.id(), k, extension);
        String url = store.directUrl(key, PARTIAL_LINK_TTL).orElseGet(() -> fileUrls.url(key, PARTIAL_LINK_TTL));
        return new TaskEvent.Partial(k - 1, url);
    }

    @Override
    public int openStreams() {
        return openStreams.get();
    }

    @Override
    public int openStreams(String pool, String workspaceId) {
        return counts.open(pool, workspaceId);
    }

    /** One round: every watched task in one statement per {@value #BATCH} ids, then heartbeats. */
    void tick() {
        if (waiting.isEmpty() && streams.isEmpty()) {
            return;
        }
        try {
            synchronized (reading) {
                List<String> ids = new ArrayList<>(waiting.keySet());
                streams.keySet().stream().filter(id -> !waiting.containsKey(id)).forEach(ids::add);
                for (int from = 0; from < ids.size(); from += BATCH) {
                    read(ids.subList(from, Math.min(ids.size(), from + BATCH))).forEach(this::deliver);
                }
            }
            long now = System.nanoTime();
            streams.values().forEach(set -> set.forEach(stream -> stream.heartbeatOrExpire(now)));
        } catch (RuntimeException e) {
            log.warn("Reading watched tasks failed; trying again next round: {}", e.toString());
        }
    }

    private Map<String, State> read(List<String> ids) {
        record Row(String id, TaskStatus status, boolean started, String provider, String size, int partials) {}
        List<Row> rows = jdbc.sql(
                        "select id, status, started_at, provider, size, partials from image_tasks where id in (:ids)")
                .param("ids", ids)
                .query((rs, n) -> new Row(
                        rs.getString("id"),
                        TaskStatus.valueOf(rs.getString("status")),
                        rs.getTimestamp("started_at") != null,
                        rs.getString("provider"),
                        rs.getString("size"),
                        rs.getInt("partials")))
                .list();
        List<String> pending = rows.stream()
                .filter(row -> row.status() == TaskStatus.PENDING)
                .map(Row::id)
                .toList();
        // A few pending tasks: count ahead of each (cheap near the head); many: one ordered pass over the queue.
        Map<String, Integer> ahead = pending.isEmpty()
                ? Map.of()
                : pending.size() <= FEW_PENDING ? queue.ahead(pending) : queue.aheadInQueue(pending);
        Map<String, State> states = new HashMap<>();
        for (Row row : rows) {
            states.put(
                    row.id(),
                    new State(
                            row.status(),
                            row.started(),
                            queue.queue(ahead.get(row.id()), row.provider(), row.size()),
                            row.partials()));
        }
        return states;
    }

    private void deliver(String taskId, State state) {
        if (state.status().isFinal()) {
            var futures = waiting.remove(taskId);
            if (futures != null) {
                futures.forEach(f -> f.complete(null));
            }
        }
        var watching = streams.get(taskId);
        if (watching == null || watching.isEmpty()) {
            return;
        }
        Map<String, Optional<TaskView>> bodies = new HashMap<>();
        for (Stream stream : watching) {
            stream.advance(
                    state,
                    () -> bodies.computeIfAbsent(stream.workspaceId, ws -> views.read(ws, taskId))
                            .orElse(null));
        }
    }

    private void unregister(Stream stream) {
        streams.computeIfPresent(stream.taskId, (id, set) -> {
            set.remove(stream);
            return set.isEmpty() ? null : set;
        });
        openStreams.decrementAndGet();
        stream.release.run();
    }

    /** One open stream: what its client has seen, and the writes not yet made, made in order. */
    private final class Stream implements TaskEventStream {

        private final String workspaceId;
        private final String taskId;
        private final long heartbeatNanos;
        private final long maxDurationNanos;
        private final long openedAt = System.nanoTime();
        private final TaskEventSink sink;
        private final Runnable release;
        private final ConcurrentLinkedQueue<Runnable> outbox = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean writing = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicBoolean aborted = new AtomicBoolean();
        private final AtomicBoolean ended = new AtomicBoolean();
        private Cursor seen; // guarded by this
        private volatile long lastWrite = System.nanoTime();

        Stream(
                String workspaceId,
                String taskId,
                Cursor seen,
                TaskEventLimits limits,
                TaskEventSink sink,
                Runnable release) {
            this.workspaceId = workspaceId;
            this.taskId = taskId;
            this.seen = seen;
            this.heartbeatNanos = limits.heartbeat().toNanos();
            this.maxDurationNanos = limits.maxDuration().toNanos();
            this.sink = sink;
            this.release = release;
        }

        /**
         * Queues the events between what the client has seen and {@code now}. When one needs the task's body, the body
         * is read and the events are worked out from it instead (it is at least as new as {@code now}).
         */
        synchronized void advance(State now, Supplier<TaskView> body) {
            if (closed.get() || (seen != null && seen.ahead(now))) {
                return; // an older read than one already sent
            }
            var steps = TaskEventLog.after(seen, now);
            if (steps.isEmpty()) {
                return;
            }
            TaskView task = null;
            if (steps.stream().anyMatch(step -> step.kind() != TaskEvent.Kind.QUEUE)) {
                task = body.get();
                if (task == null) {
                    close(); // the task is gone (its workspace was deleted)
                    return;
                }
                steps = TaskEventLog.after(seen, State.of(task, now.partials()));
            }
            for (var step : steps) {
                TaskEvent event = step.event(task, TaskWatcher.this::partialLink);
                write(() -> send(event));
                seen = step.cursor();
                if (step.kind().isFinal()) {
                    end(null);
                    return;
                }
            }
        }

        /** Ends the stream when its time is up; otherwise sends a heartbeat when it has been quiet long enough. */
        void heartbeatOrExpire(long now) {
            if (now - openedAt >= maxDurationNanos) {
                close();
                return;
            }
            if (!closed.get() && now - lastWrite >= heartbeatNanos) {
                lastWrite = now;
                write(() -> {
                    try {
                        sink.heartbeat();
                    } catch (Exception e) {
                        abort(e);
                    }
                });
            }
        }

        private void send(TaskEvent event) {
            try {
                sink.send(event);
            } catch (Exception e) {
                abort(e);
            }
        }

        @Override
        public void close() {
            abort(null);
        }

        /** Ends the stream dropping the writes not yet made: the client is gone or its time is up. */
        private void abort(Throwable failure) {
            aborted.set(true);
            end(failure);
        }

        /**
         * Stops the stream: no new writes, the registration goes, and the sink hears of it once, after the writes
         * already queued (unless aborted).
         */
        private void end(Throwable failure) {
            if (closed.compareAndSet(false, true)) {
                unregister(this);
                outbox.add(() -> {
                    if (ended.compareAndSet(false, true)) {
                        sink.ended(failure);
                    }
                });
                drainLater();
            }
        }

        private void write(Runnable action) {
            lastWrite = System.nanoTime();
            outbox.add(() -> {
                if (!aborted.get()) {
                    action.run();
                }
            });
            drainLater();
        }

        private void drainLater() {
            if (writing.compareAndSet(false, true)) {
                try {
                    writers.execute(this::drain);
                } catch (RuntimeException rejected) {
                    writing.set(false); // shutting down
                }
            }
        }

        private void drain() {
            while (true) {
                Runnable next;
                while ((next = outbox.poll()) != null) {
                    try {
                        next.run();
                    } catch (RuntimeException e) {
                        log.warn("Writing an event of {} failed: {}", taskId, e.toString());
                    }
                }
                writing.set(false);
                if (outbox.isEmpty() || !writing.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }
}
