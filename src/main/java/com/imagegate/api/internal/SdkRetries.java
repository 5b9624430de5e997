package com.imagegate.api.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, on this node, which task each recent drop-in request without an Idempotency-Key created, by API key and
 * request digest. The official OpenAI SDKs send no Idempotency-Key for images but number their retries in
 * {@code X-Stainless-Retry-Count}; a retry (count ≥ 1) of a request whose task is still running or succeeded finds
 * that task here and waits for it instead of paying for a second one. Only this node knows: behind a load balancer a
 * retry that lands on another node is a new task, which is why the docs ask for an explicit Idempotency-Key.
 */
final class SdkRetries {

    private record Attempt(String taskId, Instant at) {}

    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration memory;
    private volatile Instant lastPurge = Instant.EPOCH;

    SdkRetries(Clock clock, Duration memory) {
        this.clock = clock;
        this.memory = memory;
    }

    void remember(String keyId, String requestHash, String taskId) {
        Instant now = clock.instant();
        if (now.isAfter(lastPurge.plusSeconds(1))) {
            // At most once a second, so remembering stays cheap however many requests are in the window.
            lastPurge = now;
            attempts.values().removeIf(a -> a.at().isBefore(now.minus(memory)));
        }
        attempts.put(keyId + ":" + requestHash, new Attempt(taskId, now));
    }

    /** The task the first attempt of this request made, if this node saw it recently. */
    Optional<String> firstAttempt(String keyId, String requestHash) {
        Attempt attempt = attempts.get(keyId + ":" + requestHash);
        return attempt == null || attempt.at().isBefore(clock.instant().minus(memory))
                ? Optional.empty()
                : Optional.of(attempt.taskId());
    }

    /** True when the header says the SDK is retrying (1, 2, …). */
    static boolean isRetry(String retryCountHeader) {
        if (retryCountHeader == null) {
            return false;
        }
        try {
            return Integer.parseInt(retryCountHeader.strip()) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
