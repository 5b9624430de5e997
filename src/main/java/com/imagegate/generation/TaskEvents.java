package com.imagegate.generation;

import java.time.Duration;
import java.util.Optional;

/**
 * Live events of one task (docs/api.md, "Task events"): its status changes, its place in the queue while pending,
 * and its end. The database is the source of truth: a stream on any node sees a task that another node runs within
 * {@code imagegate.generation.tasks.watch-interval}, and its event ids come from the task's row, so any node resumes
 * any stream. A stream holds no thread and no database connection while it waits.
 */
public interface TaskEvents {

    /**
     * Opens a stream of a workspace's task. The events the caller has not seen (after {@code lastEventId}, or the task
     * as it is now when that is null or not an id of this task) are sent at once; later ones as they happen; after
     * the final event the sink is {@linkplain TaskEventSink#ended ended}.
     *
     * @param heartbeatEvery how long the stream may stay silent before the sink is asked for a heartbeat
     * @return the open stream, or empty when the caller has already seen the task's final event (nothing will come)
     * @throws GenerationException {@link GenerationException.Reason#NOT_FOUND} for an unknown task or anyone else's,
     *     before anything is opened or sent
     */
    Optional<TaskEventStream> open(
            String workspaceId, String taskId, String lastEventId, Duration heartbeatEvery, TaskEventSink sink);

    /** Streams open on this node now. */
    int openStreams();
}
