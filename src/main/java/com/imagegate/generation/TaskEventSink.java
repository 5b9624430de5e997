package com.imagegate.generation;

import java.io.IOException;

/**
 * Where a {@link TaskEvents} stream goes. Its methods are called one at a time, in order, on a virtual thread, and
 * may block while they write; an {@link IOException} (the client has gone) ends the stream.
 */
public interface TaskEventSink {

    void send(TaskEvent event) throws IOException;

    /** Nothing was sent for the heartbeat interval: keep the connection's proxies from closing it. */
    void heartbeat() throws IOException;

    /**
     * The stream is over, called once: after the final event ({@code failure} null), when a write failed, or when the
     * stream was {@linkplain TaskEventStream#close closed}.
     */
    void ended(Throwable failure);
}
