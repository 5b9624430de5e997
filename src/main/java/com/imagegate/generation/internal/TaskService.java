package com.imagegate.generation.internal;

import com.imagegate.generation.Caller;
import com.imagegate.generation.EnhancementRequest;
import com.imagegate.generation.GenerationRequest;
import com.imagegate.generation.Generations;
import com.imagegate.generation.Quote;
import com.imagegate.generation.TaskPage;
import com.imagegate.generation.TaskQuery;
import com.imagegate.generation.TaskView;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Service;

/**
 * {@link Generations}, the module's one generation path, as a thin facade: accepting (with idempotency keys and
 * SDK-retry matching) is {@link TaskAcceptance}, reading and listing is {@link TaskQueries}, canceling is
 * {@link TaskCancellation}.
 */
@Service
class TaskService implements Generations {

    private final TaskAcceptance acceptance;
    private final TaskQueries queries;
    private final TaskCancellation cancellation;

    TaskService(TaskAcceptance acceptance, TaskQueries queries, TaskCancellation cancellation) {
        this.acceptance = acceptance;
        this.queries = queries;
        this.cancellation = cancellation;
    }

    @Override
    public TaskView accept(Caller caller, GenerationRequest request) {
        return acceptance.accept(caller, request);
    }

    @Override
    public TaskView enhance(Caller caller, EnhancementRequest request) {
        return acceptance.enhance(caller, request);
    }

    @Override
    public Quote quote(Caller caller, GenerationRequest request) {
        return acceptance.quote(caller, request);
    }

    @Override
    public Quote quote(Caller caller, EnhancementRequest request) {
        return acceptance.quote(caller, request);
    }

    @Override
    public TaskView get(String workspaceId, String taskId) {
        return queries.get(workspaceId, taskId);
    }

    @Override
    public Optional<TaskView> retried(String workspaceId, String apiKeyId, String requestHash, Duration within) {
        return acceptance.retried(workspaceId, apiKeyId, requestHash, within);
    }

    @Override
    public TaskView cancel(String workspaceId, String taskId) {
        return cancellation.cancel(workspaceId, taskId);
    }

    @Override
    public TaskPage list(String workspaceId, TaskQuery query) {
        return queries.list(workspaceId, query);
    }

    @Override
    public CompletableFuture<TaskView> awaitEnd(String workspaceId, String taskId, Duration wait) {
        return queries.awaitEnd(workspaceId, taskId, wait);
    }
}
