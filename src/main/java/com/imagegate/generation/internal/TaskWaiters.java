package com.imagegate.generation.internal;

import com.imagegate.generation.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Long-poll waiters: futures that complete when a task ends. A task ending on this node completes them at once; a
 * task ending on another node is seen by one batched status query every half second. Waiting holds no thread and no
 * database connection.
 */
@Component
class TaskWaiters {

    private final Map<String, List<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private final Tasks tasks;

    TaskWaiters(Tasks tasks) {
        this.tasks = tasks;
    }

    /** Completes when the task ends, or normally after {@code wait} (the caller then reads the task as it is). */
    CompletableFuture<Void> await(String taskId, Duration wait) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        waiting.computeIfAbsent(taskId, id -> new CopyOnWriteArrayList<>()).add(future);
        future.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, error) -> forget(taskId, future));
        return future;
    }

    /** The task ended on this node. */
    void finished(String taskId) {
        var futures = waiting.remove(taskId);
        if (futures != null) {
            futures.forEach(f -> f.complete(null));
        }
    }

    @Scheduled(fixedDelay = 500)
    void pollOtherNodes() {
        if (waiting.isEmpty()) {
            return;
        }
        List<String> ids = List.copyOf(waiting.keySet());
        for (int from = 0; from < ids.size(); from += 500) {
            for (Object[] row : tasks.statuses(ids.subList(from, Math.min(ids.size(), from + 500)))) {
                if (((TaskStatus) row[1]).isFinal()) {
                    finished((String) row[0]);
                }
            }
        }
    }

    private void forget(String taskId, CompletableFuture<Void> future) {
        waiting.computeIfPresent(taskId, (id, futures) -> {
            futures.remove(future);
            return futures.isEmpty() ? null : futures;
        });
    }
}
