package com.imagegate.generation;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The one generation path: the API, the studio and the OpenAI drop-in all create and read tasks here. */
public interface Generations {

    /**
     * Accepts a task: prices it, reserves its credits and stores it (one transaction), then starts it.
     *
     * @param idempotencyKey the caller's Idempotency-Key, or null
     * @param requestHash a digest of the request body, compared when the key is replayed
     * @return the new task, or the first one when the key and body were seen within 24 h
     * @throws GenerationException when credits, limits or the idempotency key say no
     */
    TaskView accept(Caller caller, GenerationRequest request, String idempotencyKey, String requestHash);

    /**
     * Accepts a task whose reference images include images given with the request (uploads, or the workspace's own
     * results), after those named by {@code request.imageUrls()}. A bad input is an {@link InvalidRequestException}
     * naming {@code inputParam[i]}, and nothing is created.
     */
    default TaskView accept(
            Caller caller,
            GenerationRequest request,
            List<ImageInput> inputs,
            String inputParam,
            String idempotencyKey,
            String requestHash) {
        return accept(caller, request, inputs, inputParam, null, idempotencyKey, requestHash);
    }

    /**
     * As {@link #accept(Caller, GenerationRequest, java.util.List, String, String, String)}, with an edit mask (the
     * OpenAI edits' {@code mask}): a PNG of the first input's size whose fully transparent pixels mark where that
     * image is to be changed; the rest of it is kept. Null for none.
     */
    TaskView accept(
            Caller caller,
            GenerationRequest request,
            List<ImageInput> inputs,
            String inputParam,
            byte[] mask,
            String idempotencyKey,
            String requestHash);

    /** Accepts an enhancement task for one image, priced at the enhancement price; otherwise as {@link #accept}. */
    TaskView enhance(Caller caller, EnhancementRequest request, String idempotencyKey, String requestHash);

    /** Accepts an enhancement of an uploaded image or one of the workspace's results (parameter {@code image}). */
    TaskView enhance(Caller caller, ImageInput input, OutputFormat format, String idempotencyKey, String requestHash);

    /** A task of this workspace ({@link GenerationException.Reason#NOT_FOUND} for anyone else's). */
    TaskView get(String workspaceId, String taskId);

    /**
     * The task an earlier attempt of the same request made: the newest task this API key created without an
     * Idempotency-Key within {@code within} with this request digest (as passed to {@link #accept}), unless it failed
     * or was canceled. Read from the database, so a retry finds it whichever node accepted the first attempt.
     */
    Optional<TaskView> retried(String workspaceId, String apiKeyId, String requestHash, Duration within);

    /** Cancels a pending or processing task and releases its credits. */
    TaskView cancel(String workspaceId, String taskId);

    /** The workspace's tasks, newest first. */
    TaskPage list(String workspaceId, TaskQuery query);

    /**
     * Completes with the task once it has ended, or as it is when {@code wait} passes. Holds no thread or database
     * connection while it waits.
     */
    CompletableFuture<TaskView> awaitEnd(String workspaceId, String taskId, Duration wait);
}
