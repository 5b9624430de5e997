package com.imagegate.generation.internal;

import java.time.Instant;
import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.scheduling.JobScheduler;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The durable path of a task. Runs the task if nobody holds it; if another node holds it under a live lease, comes
 * back when that lease runs out, until the task has ended. Idempotent: a finished task is never rendered or charged
 * again, however often this job runs.
 */
@Component
public class TaskJob {

    private final TaskRunner runner;
    private final JobScheduler jobs;

    TaskJob(TaskRunner runner, @Lazy JobScheduler jobs) {
        this.runner = runner;
        this.jobs = jobs;
    }

    @Job(name = "Render task %0", retries = 3)
    public void run(String taskId) {
        // TaskRunner puts the task id in the logging MDC while it renders.
        Instant watchUntil = runner.runIfClaimable(taskId);
        if (watchUntil != null) {
            jobs.schedule(watchUntil, () -> run(taskId));
        }
    }
}
