package com.imagegate.api.internal;

import com.imagegate.api.CreationRateLimit;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Request rate limits in fixed one-minute windows. Task creations are counted per workspace in the database, so all
 * nodes count into one window; reads are counted per key in this node's memory (their limit is generous and only
 * guards against runaway loops). A refused request still counts, which only ever refuses more.
 */
@Component
class RequestRateLimiter implements CreationRateLimit {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<String, AtomicInteger> readWindows = new ConcurrentHashMap<>();
    private volatile long readWindow;

    RequestRateLimiter(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** What the {@code x-ratelimit-*} headers say; {@code allowed} false means 429. */
    record Usage(boolean allowed, int limit, int remaining, Duration reset) {}

    Usage creation(String workspaceId, int perMinute) {
        long now = clock.millis();
        long window = now / 60_000;
        jdbc.sql("insert into rate_windows (scope, window_start, requests) values (?, ?, 1)"
                        + " on duplicate key update requests = requests + 1")
                .params(workspaceId, window)
                .update();
        // One row (just upserted) whose requests is not null: single() fails only where queryForObject failed.
        int used = jdbc.sql("select requests from rate_windows where scope = ? and window_start = ?")
                .params(workspaceId, window)
                .query(Integer.class)
                .single();
        return usage(used, perMinute, now, window);
    }

    /** The studio's count: the same window as the API's creations. */
    @Override
    public Window count(String workspaceId, int perMinute) {
        Usage usage = creation(workspaceId, perMinute);
        return new Window(usage.allowed(), usage.limit(), usage.remaining(), usage.reset());
    }

    /**
     * What {@link #creation} would answer now, counting nothing: the window is only read. A refused creation still
     * counts, so a window that would refuse the next creation stays refused until it ends.
     */
    Usage peekCreation(String workspaceId, int perMinute) {
        long now = clock.millis();
        long window = now / 60_000;
        int used = jdbc.sql("select requests from rate_windows where scope = ? and window_start = ?")
                .params(workspaceId, window)
                .query(Integer.class)
                .optional()
                .orElse(0);
        return usage(used + 1, perMinute, now, window);
    }

    Usage read(String keyId, int perMinute) {
        long now = clock.millis();
        long window = now / 60_000;
        if (window != readWindow) {
            readWindows.clear();
            readWindow = window;
        }
        int used = readWindows.computeIfAbsent(keyId, k -> new AtomicInteger()).incrementAndGet();
        return usage(used, perMinute, now, window);
    }

    /** Forgets windows older than an hour. */
    int purge() {
        return jdbc.sql("delete from rate_windows where window_start < ?")
                .param(clock.millis() / 60_000 - 60)
                .update();
    }

    private static Usage usage(int used, int limit, long now, long window) {
        Duration reset = Duration.ofMillis((window + 1) * 60_000 - now);
        return new Usage(used <= limit, limit, Math.max(0, limit - used), reset);
    }
}
