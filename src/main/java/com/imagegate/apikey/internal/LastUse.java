package com.imagegate.apikey.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Records when and from where a key was last used without turning every API call into a write. Two guards: this
 * node remembers which keys it wrote within the last {@link #INTERVAL} and skips them without touching the database;
 * the write itself is a conditional update ({@link ApiKeyStore#recordUse}), so several nodes together still write a
 * key at most about once per interval. The write runs on the application's task executor, after the call has been
 * let through; losing one (a crash, a full pool) only leaves "last used" a little older.
 */
@Component
class LastUse {

    static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final int PRUNE_ABOVE = 10_000;
    private static final Logger log = LoggerFactory.getLogger(LastUse.class);

    private final ApiKeyStore store;
    private final Executor executor;
    private final ConcurrentHashMap<String, Instant> writtenAt = new ConcurrentHashMap<>();

    LastUse(ApiKeyStore store, @Qualifier("applicationTaskExecutor") Executor executor) {
        this.store = store;
        this.executor = executor;
    }

    void record(String keyId, String clientAddress, Instant now) {
        Instant notBefore = now.minus(INTERVAL);
        boolean[] claimed = {false};
        writtenAt.compute(keyId, (id, previous) -> {
            if (previous != null && !previous.isBefore(notBefore)) {
                return previous;
            }
            claimed[0] = true;
            return now;
        });
        if (!claimed[0]) {
            return;
        }
        if (writtenAt.size() > PRUNE_ABOVE) {
            writtenAt.values().removeIf(at -> at.isBefore(notBefore));
        }
        String address =
                clientAddress == null || clientAddress.length() <= 45 ? clientAddress : clientAddress.substring(0, 45);
        try {
            executor.execute(() -> write(keyId, address, now, notBefore));
        } catch (RuntimeException rejected) {
            log.warn("Could not schedule the last-use update of key {}: {}", keyId, rejected.toString());
        }
    }

    private void write(String keyId, String address, Instant now, Instant notBefore) {
        try {
            store.recordUse(keyId, address, now, notBefore);
        } catch (RuntimeException failed) {
            log.warn("Could not record the last use of key {}: {}", keyId, failed.toString());
        }
    }
}
