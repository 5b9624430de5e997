package com.imagegate.generation;

/**
 * A place under a workspace's {@link TaskEvents} stream cap, taken before the stream can open ({@link
 * TaskEvents#hold}): the drop-in's {@code stream: true} takes it before its task is accepted, so a refused stream
 * makes no task. {@link TaskEvents#open(String, String, String, TaskEventPlace, TaskEventSink)} hands it to the stream,
 * which gives it back when it ends; {@link #close()} gives it back when no stream opens. Either way it is given back
 * once.
 */
public interface TaskEventPlace extends AutoCloseable {

    /** Gives the place back unless a stream has it (or it was given back already); idempotent. */
    @Override
    void close();
}
