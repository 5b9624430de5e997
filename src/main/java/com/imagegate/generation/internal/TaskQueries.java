package com.imagegate.generation.internal;

import com.imagegate.generation.GenerationException;
import com.imagegate.generation.GenerationException.Reason;
import com.imagegate.generation.TaskPage;
import com.imagegate.generation.TaskQuery;
import com.imagegate.generation.TaskView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;

/** Reading tasks: one by id, the workspace's list (paged by {@link TaskCursor}), and waiting for a task's end. */
@Component
class TaskQueries {

    private final Tasks tasks;
    private final TaskViews views;
    private final TaskWatcher waiters;

    TaskQueries(Tasks tasks, TaskViews views, TaskWatcher waiters) {
        this.tasks = tasks;
        this.views = views;
        this.waiters = waiters;
    }

    TaskView get(String workspaceId, String taskId) {
        requirePlausibleId(taskId);
        return views.read(workspaceId, taskId).orElseThrow(TaskQueries::notFound);
    }

    TaskPage list(String workspaceId, TaskQuery query) {
        TaskCursor after = TaskCursor.decode(query.after());
        List<Task> page = tasks.page(
                workspaceId,
                after == null ? null : after.createdAt(),
                after == null ? null : after.id(),
                query.status(),
                query.user(),
                query.from(),
                query.to(),
                PageRequest.of(0, query.limit() + 1));
        boolean more = page.size() > query.limit();
        List<Task> shown = more ? page.subList(0, query.limit()) : page;
        String next = more
                ? new TaskCursor(shown.getLast().createdAt(), shown.getLast().id()).encode()
                : null;
        return new TaskPage(views.views(shown), next);
    }

    CompletableFuture<TaskView> awaitEnd(String workspaceId, String taskId, Duration wait) {
        Task task = find(workspaceId, taskId);
        if (task.status().isFinal() || wait.isZero() || wait.isNegative()) {
            return CompletableFuture.completedFuture(views.view(task));
        }
        return waiters.await(taskId, wait).thenApply(ignored -> get(workspaceId, taskId));
    }

    /** The task entity of this workspace ({@link Reason#NOT_FOUND} for anyone else's). */
    Task find(String workspaceId, String taskId) {
        requirePlausibleId(taskId);
        return tasks.findByIdAndWorkspaceId(taskId, workspaceId).orElseThrow(TaskQueries::notFound);
    }

    /** An id no task can have (missing or longer than the column) is not found, without asking the database. */
    static void requirePlausibleId(String taskId) {
        if (taskId == null || taskId.length() > 64) {
            throw notFound();
        }
    }

    static GenerationException notFound() {
        return new GenerationException(Reason.NOT_FOUND, "No task with this id exists in your workspace.");
    }
}
