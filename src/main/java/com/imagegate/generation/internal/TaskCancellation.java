package com.imagegate.generation.internal;

import com.imagegate.credits.Credits;
import com.imagegate.credits.Release;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.GenerationException.Reason;
import com.imagegate.generation.TaskEnded;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.TaskView;
import java.time.Clock;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Canceling a pending or processing task: one transaction ends it, releases its credits and
 * publishes {@link TaskEnded} (its webhook); then
 * its waiters are told.
 */
@Component
class TaskCancellation {

    private final Tasks tasks;
    private final TaskQueries queries;
    private final Credits credits;
    private final TaskWatcher waiters;
    private final TaskMetrics metrics;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final Clock clock;

    TaskCancellation(
            Tasks tasks,
            TaskQueries queries,
            Credits credits,
            TaskWatcher waiters,
            TaskMetrics metrics,
            ApplicationEventPublisher events,
            TransactionTemplate transactions,
            Clock clock) {
        this.tasks = tasks;
        this.queries = queries;
        this.credits = credits;
        this.waiters = waiters;
        this.metrics = metrics;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
    }

    TaskView cancel(String workspaceId, String taskId) {
        Task task = queries.find(workspaceId, taskId);
        boolean canceled = Boolean.TRUE.equals(transactions.execute(status -> {
            if (task.credits() > 0) {
                credits.lock(workspaceId); // balance before task row, the order acceptance takes them in
            }
            if (tasks.cancel(task.id(), workspaceId, clock.instant()) != 1) {
                return false;
            }
            if (task.credits() > 0) {
                credits.release(new Release(task.id()));
            }
            events.publishEvent(new TaskEnded(task.id(), task.workspaceId(), TaskStatus.CANCELED, task.callbackUrl()));
            return true;
        }));
        if (!canceled) {
            throw new GenerationException(
                    Reason.ALREADY_FINISHED,
                    "This task has already ended ("
                            + queries.find(workspaceId, taskId).status().wireValue() + ").");
        }
        waiters.finished(task.id());
        metrics.ended(task, TaskStatus.CANCELED, null, 0);
        return queries.get(workspaceId, taskId);
    }
}
