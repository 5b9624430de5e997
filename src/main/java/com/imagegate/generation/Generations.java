package com.imagegate.generation;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The one generation path: the API, the studio and the OpenAI drop-in all create and read tasks here. */
public interface Generations {

    /**
     * Accepts a task: prices it, reserves its credits and stores it (one transaction), then starts it. Reference
     * images (by URL, and those given with the request) are fetched, checked and stored first; a bad one is an {@link
     * InvalidRequestException} naming its {@link RequestField} and index, and nothing is created.
     *
     * @return the new task, or the first one when the request's idempotency key and digest were seen within 24 h
     * @throws GenerationException when credits, limits or the idempotency key say no
     */
    TaskView accept(Caller caller, GenerationRequest request);

    /** Accepts an enhancement task for one image, priced at the enhancement price; otherwise as {@link #accept}. */
    TaskView enhance(Caller caller, EnhancementRequest request);

    /**
     * What {@link #accept} would cost and whether it would accept the request now, writing nothing: the callback URL's
     * check, the price and {@code max_credits}, then, in a transaction that is always rolled back, the same limit
     * checks in the same order as accepting (the balance row lock, the reservation with the key's cap, the concurrent
     * tasks). The idempotency key is not looked at and reference images are not fetched.
     *
     * @throws InvalidRequestException when the request would be refused as invalid (as {@link #accept} would)
     */
    Quote quote(Caller caller, GenerationRequest request);

    /** {@link #quote} for {@link #enhance}. */
    Quote quote(Caller caller, EnhancementRequest request);

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
