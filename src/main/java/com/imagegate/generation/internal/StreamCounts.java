package com.imagegate.generation.internal;

import com.imagegate.generation.GenerationException;
import com.imagegate.generation.TaskEventLimits;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The task event streams each workspace holds open on this node, per pool ({@link TaskEventLimits#pool()}), and the
 * cap on them. A workspace with none open has no entry.
 */
final class StreamCounts {

    private record Key(String pool, String workspaceId) {}

    private final Map<Key, Integer> open = new ConcurrentHashMap<>();

    /**
     * Counts one more stream of the workspace in the pool, or refuses it when it already holds the cap.
     *
     * @return gives the stream's place back; only its first run counts
     * @throws GenerationException {@link GenerationException.Reason#TOO_MANY_STREAMS}
     */
    Runnable hold(String workspaceId, TaskEventLimits limits) {
        Key key = new Key(limits.pool(), workspaceId);
        int max = limits.maxPerWorkspace();
        var held = new AtomicBoolean();
        open.compute(key, (k, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            held.set(true);
            return now + 1;
        });
        if (!held.get()) {
            throw new GenerationException(
                    GenerationException.Reason.TOO_MANY_STREAMS,
                    "Too many open task event streams: " + max
                            + " per workspace. Close a stream (or wait for its task to end) first.");
        }
        var released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                open.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
            }
        };
    }

    int open(String pool, String workspaceId) {
        return open.getOrDefault(new Key(pool, workspaceId), 0);
    }

    /** Workspaces and pools with at least one stream open. */
    int entries() {
        return open.size();
    }
}
