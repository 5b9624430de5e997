package com.imagegate.generation;

import java.util.Optional;

/**
 * Live events of one task (docs/api.md, "Task events"): its status changes, its place in the queue while pending,
 * and its end. The database is the source of truth: a stream on any node sees a task that another node runs within
 * {@code imagegate.generation.tasks.watch-interval}, and its event ids come from the task's row, so any node resumes
 * any stream. A stream holds no thread and no database connection while it waits.
 *
 * <p>Streams are capped per workspace, per caller's pool, on each node ({@link TaskEventLimits}): the cap is counted
 * here, so every caller (the API, the studio, the drop-in's stream) shares one rule. A stream counts from a successful
 * {@link #open} until it ends: after its final event, when a write fails (the client has gone), when it is {@linkplain
 * TaskEventStream#close closed} or when its {@link TaskEventLimits#maxDuration()} runs out; it is given back once,
 * whichever comes first. {@link TaskEventEmitters} writes a stream as Spring MVC Server-Sent Events.
 */
public interface TaskEvents {

    /**
     * Opens a stream of a workspace's task. The events the caller has not seen (after {@code lastEventId}, or the task
     * as it is now when that is null or not an id of this task) are sent at once; later ones as they happen; after
     * the final event the sink is {@linkplain TaskEventSink#ended ended}.
     *
     * @param limits the caller's pool, cap, heartbeat interval and longest duration
     * @return the open stream, or empty when the caller has already seen the task's final event (nothing will come,
     *     nothing is counted)
     * @throws GenerationException before anything is opened, counted or sent: {@link
     *     GenerationException.Reason#TOO_MANY_STREAMS} when the workspace already holds {@link
     *     TaskEventLimits#maxPerWorkspace()} streams of the pool on this node; {@link
     *     GenerationException.Reason#NOT_FOUND} for an unknown task or anyone else's
     */
    Optional<TaskEventStream> open(
            String workspaceId, String taskId, String lastEventId, TaskEventLimits limits, TaskEventSink sink);

    /**
     * Takes a place under the workspace's cap now, for a stream opened later with {@link #open(String, String, String,
     * TaskEventPlace, TaskEventSink)}.
     *
     * @throws GenerationException {@link GenerationException.Reason#TOO_MANY_STREAMS}
     */
    TaskEventPlace hold(String workspaceId, TaskEventLimits limits);

    /**
     * As {@link #open(String, String, String, TaskEventLimits, TaskEventSink)}, on a place already {@linkplain #hold
     * held} (with its limits) for this workspace: the stream takes it over; when nothing opens (empty, or thrown) the
     * place is given back.
     *
     * @throws IllegalArgumentException a place not from this {@code TaskEvents}, or another workspace's
     */
    Optional<TaskEventStream> open(
            String workspaceId, String taskId, String lastEventId, TaskEventPlace place, TaskEventSink sink);

    /** Streams open on this node now. */
    int openStreams();

    /** Streams of a pool a workspace holds open on this node now (what its cap counts). */
    int openStreams(String pool, String workspaceId);
}
