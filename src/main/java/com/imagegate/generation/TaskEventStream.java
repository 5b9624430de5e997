package com.imagegate.generation;

/** An open {@link TaskEvents} stream. */
public interface TaskEventStream extends AutoCloseable {

    /** Stops the stream (the client left, or its time is up) and frees its registration; idempotent. */
    @Override
    void close();
}
