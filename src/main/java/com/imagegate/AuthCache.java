package com.imagegate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.Function;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What a node read about an API key or a workspace on the API's hot path, reused for
 * {@code imagegate.auth-cache-ttl}. A change clears the entry on its own node when its transaction commits (so that
 * node never answers from before the change); other nodes see it once their entry expires.
 */
public final class AuthCache<K, V> {

    private final Cache<K, V> entries;

    public AuthCache(ImagegateProperties properties, long maximumSize) {
        Duration ttl = properties.authCacheTtl().isNegative() ? Duration.ZERO : properties.authCacheTtl();
        // A zero lifetime is exact: an expired entry is never returned, even before it is swept.
        this.entries = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(maximumSize)
                .build();
    }

    /** The entry for {@code key}, read with {@code load} when there is none; a null read is not kept. */
    public V get(K key, Function<K, V> load) {
        return entries.get(key, load);
    }

    /** Forgets {@code key} once the current transaction commits (at once when there is none). */
    public void invalidateAfterCommit(K key) {
        afterCommit(() -> entries.invalidate(key));
    }

    /** Forgets every entry once the current transaction commits (at once when there is none). */
    public void invalidateAllAfterCommit() {
        afterCommit(entries::invalidateAll);
    }

    private static void afterCommit(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }
}
