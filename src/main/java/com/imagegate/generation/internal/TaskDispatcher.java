package com.imagegate.generation.internal;

import com.imagegate.generation.GenerationProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jobrunr.scheduling.JobScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;

/**
 * Starts accepted tasks. JobRunr is the durable path: every task gets a job, so a task survives any node's crash. But
 * JobRunr OSS polls its SQL storage at most every 5 s, so the accepting node also starts the task at once on a local
 * worker when it has a free slot. Whoever claims the task first (a conditional update with a lease) renders it; the
 * other finds it claimed and only keeps watch until it ends.
 */
@Component
class TaskDispatcher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(TaskDispatcher.class);

    private final JobScheduler jobs;
    private final TaskJob taskJob;
    private static final int MAX_TASKS_PER_SLOT_TURN = 100;

    private final TaskRunner runner;
    private final Tasks tasks;
    private final Semaphore localSlots;
    private final ExecutorService local = Executors.newVirtualThreadPerTaskExecutor();
    private final Duration drainTimeout;
    private volatile boolean draining;

    TaskDispatcher(
            JobScheduler jobs, TaskJob taskJob, TaskRunner runner, Tasks tasks, GenerationProperties properties) {
        this.tasks = tasks;
        this.jobs = jobs;
        this.taskJob = taskJob;
        this.runner = runner;
        this.localSlots = new Semaphore(properties.tasks().localWorkers());
        this.drainTimeout = properties.tasks().drainTimeout();
    }

    /** Call after the task's transaction committed: never for a task that may still roll back. */
    void dispatch(String taskId) {
        jobs.enqueue(jobId(taskId), () -> taskJob.run(taskId));
        if (!draining && localSlots.tryAcquire()) {
            try {
                local.submit(() -> {
                    try {
                        runLocally(taskId);
                    } finally {
                        localSlots.release();
                    }
                });
            } catch (RuntimeException rejected) {
                localSlots.release();
            }
        }
    }

    /**
     * Runs the task, then keeps the slot busy with the oldest pending tasks (accepted while every slot was taken)
     * instead of leaving them to JobRunr's next poll. Claims are conditional, so racing JobRunr is harmless.
     */
    private void runLocally(String taskId) {
        String next = taskId;
        for (int ran = 0; next != null && ran < MAX_TASKS_PER_SLOT_TURN && !draining; ran++) {
            try {
                runner.runIfClaimable(next);
            } catch (RuntimeException e) {
                log.warn("Local run of {} failed; JobRunr takes over: {}", next, e.toString());
                return;
            }
            next = tasks.findPending(PageRequest.of(0, 1)).stream().findFirst().orElse(null);
        }
    }

    /** The first job of a task has an id derived from the task, so enqueuing it twice makes one job. */
    static UUID jobId(String taskId) {
        return UUID.nameUUIDFromBytes(("task-job:" + taskId).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Graceful shutdown: take nothing new, let what renders here finish (up to the drain timeout). A render still
     * running then is left alone, not interrupted: its lease runs out and another node takes the task over and charges
     * it once, as after a crash.
     */
    @Override
    public void destroy() throws InterruptedException {
        draining = true;
        local.shutdown();
        if (!local.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn(
                    "Shutting down with tasks still rendering after {}; another node takes them over when their"
                            + " leases run out",
                    drainTimeout);
        }
    }
}
