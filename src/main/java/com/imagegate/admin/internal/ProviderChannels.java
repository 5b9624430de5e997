package com.imagegate.admin.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where the admin console reads upstream provider channels and a task's provider attempts from: the generation
 * module's {@code UpstreamChannels} through {@link UpstreamChannelsAdapter}. Without such a bean the health page and
 * the task timeline say that no channel data is available.
 */
interface ProviderChannels {

    List<Channel> channels();

    Channel setEnabled(String name, boolean enabled);

    List<Attempt> attempts(String taskId);

    /** Every node's calls per channel over the last {@code window}. */
    List<Traffic> traffic(Duration window);

    /** @param successRate successes among calls, 0 to 1, or null without calls */
    record Traffic(
            String name, long calls, long successes, Double successRate, Duration latencyP50, Duration latencyP95) {}

    /**
     * @param state {@code ACTIVE}, {@code COOLING_DOWN} or {@code DISABLED}
     * @param successRate successes among calls, 0 to 1, or null before any call
     */
    record Channel(
            String name,
            String baseUrl,
            String model,
            String state,
            long successes,
            long failures,
            Double successRate,
            Duration latencyP50,
            Duration latencyP95,
            Instant cooledDownUntil,
            String lastError) {}

    record Attempt(
            int part,
            int attempt,
            String channel,
            String endpoint,
            Integer statusCode,
            String errorCode,
            int images,
            Instant startedAt,
            Duration duration) {}
}
