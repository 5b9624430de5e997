package com.imagegate.generation;

/**
 * A task reached its final status: succeeded, failed (by its render, or by the sweeper's timeout) or canceled.
 * Published once per task, by whoever ended it, <em>inside</em> the transaction that ended it (with its credit capture
 * or release); synchronous listeners take part in that transaction, so what they write commits with the ending or not
 * at all. The webhook module records the task's webhook delivery from it.
 *
 * @param status the final status ({@link TaskStatus#isFinal()})
 * @param callbackUrl the {@code callback_url} the task was accepted with, or null
 */
public record TaskEnded(String taskId, String workspaceId, TaskStatus status, String callbackUrl) {}
