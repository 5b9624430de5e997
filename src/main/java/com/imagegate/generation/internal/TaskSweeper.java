package com.imagegate.generation.internal;

import com.imagegate.credits.Credits;
import com.imagegate.credits.Release;
import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.TaskEnded;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.spi.ImageStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.jobs.annotations.Recurring;
import org.jobrunr.scheduling.JobScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Housekeeping, once a minute on one node (a JobRunr recurring job): fails and refunds tasks stuck past their
 * deadline, restarts tasks whose job was lost, deletes images past their retention, forgets old idempotency keys.
 */
@Component
public class TaskSweeper {

    private static final Logger log = LoggerFactory.getLogger(TaskSweeper.class);
    private static final int BATCH = 200;

    private final Tasks tasks;
    private final TaskImages images;
    private final IdempotencyKeys idempotencyKeys;
    private final Credits credits;
    private final ImageStore store;
    private final TaskJob taskJob;
    private final ApplicationEventPublisher events;
    private final JobScheduler jobs;
    private final TransactionTemplate transactions;
    private final GenerationProperties.Tasks settings;
    private final Clock clock;

    TaskSweeper(
            Tasks tasks,
            TaskImages images,
            IdempotencyKeys idempotencyKeys,
            Credits credits,
            ImageStore store,
            TaskJob taskJob,
            ApplicationEventPublisher events,
            @Lazy JobScheduler jobs,
            TransactionTemplate transactions,
            GenerationProperties properties,
            Clock clock) {
        this.tasks = tasks;
        this.images = images;
        this.idempotencyKeys = idempotencyKeys;
        this.credits = credits;
        this.store = store;
        this.taskJob = taskJob;
        this.events = events;
        this.jobs = jobs;
        this.transactions = transactions;
        this.settings = properties.tasks();
        this.clock = clock;
    }

    @Recurring(id = "imagegate-task-sweeper", interval = "PT1M")
    @Job(name = "Sweep tasks")
    public void sweep() {
        failStuck();
        restartOrphans();
        deleteExpiredImages();
        deleteExpiredPartials();
        transactions.executeWithoutResult(
                status -> idempotencyKeys.deleteOlderThan(clock.instant().minus(TaskAcceptance.IDEMPOTENCY_WINDOW)));
    }

    int failStuck() {
        int failed = 0;
        for (String id : tasks.findStuck(clock.instant().minus(settings.stuckTimeout()), PageRequest.of(0, BATCH))) {
            Boolean done = transactions.execute(status -> {
                // Balance before task row, the order acceptance takes them in (the other order can deadlock).
                tasks.findById(id).filter(t -> t.credits() > 0).ifPresent(t -> credits.lock(t.workspaceId()));
                if (tasks.failUnfinished(id, "timeout", "The task took too long and was stopped.", clock.instant())
                        != 1) {
                    return false;
                }
                Task task = tasks.findById(id).orElseThrow();
                if (task.credits() > 0) {
                    credits.release(new Release(id));
                }
                events.publishEvent(
                        new TaskEnded(task.id(), task.workspaceId(), TaskStatus.FAILED, task.callbackUrl()));
                return true;
            });
            if (Boolean.TRUE.equals(done)) {
                failed++;
                log.warn("Task {} was stuck past {} and was failed and refunded", id, settings.stuckTimeout());
            }
        }
        return failed;
    }

    /**
     * A backstop: every task already has a durable job, so a task still pending (or held under a lease that ran out)
     * five minutes on means its job was lost. One restart job per task per five-minute window (the id says so), so
     * a backlog of tasks waiting for workers is not flooded with duplicates.
     */
    int restartOrphans() {
        Instant now = clock.instant();
        var orphans = tasks.findOrphaned(now.minus(Duration.ofMinutes(5)), PageRequest.of(0, BATCH));
        long window = now.getEpochSecond() / 300;
        orphans.forEach(id -> jobs.enqueue(
                UUID.nameUUIDFromBytes(("task-restart:" + id + ":" + window).getBytes(StandardCharsets.UTF_8)),
                () -> taskJob.run(id)));
        return orphans.size();
    }

    /** How long after its task ended a partial image is deleted (its links live {@link TaskWatcher#PARTIAL_LINK_TTL}). */
    static final Duration PARTIALS_KEPT = Duration.ofMinutes(15);

    /** Deletes the partial images of tasks that ended over {@link #PARTIALS_KEPT} ago; their counter goes back to 0. */
    int deleteExpiredPartials() {
        var ended = tasks.findWithExpiredPartials(clock.instant().minus(PARTIALS_KEPT), PageRequest.of(0, BATCH));
        for (Task task : ended) {
            String extension = task.outputFormat().extension();
            for (int k = 1; k <= task.partials(); k++) {
                store.delete(TaskRunner.partialKey(task.id(), k, extension));
            }
            transactions.executeWithoutResult(status -> tasks.partialsDeleted(task.id()));
        }
        return ended.size();
    }

    int deleteExpiredImages() {
        var expired = images.findExpired(clock.instant().minus(settings.retention()), PageRequest.of(0, BATCH));
        for (TaskImage image : expired) {
            store.delete(image.storageKey());
            transactions.executeWithoutResult(
                    status -> images.findById(image.id()).ifPresent(i -> i.markDeleted(clock.instant())));
        }
        return expired.size();
    }
}
