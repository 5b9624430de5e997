package com.imagegate.apikey;

/**
 * A key just created, with its secret: the only time the secret exists outside the caller's hands. Show it once and
 * drop it; only its hash is stored.
 *
 * @param key the stored key
 * @param secret the full secret, e.g. {@code ig_live_…}
 */
public record CreatedApiKey(ApiKeySummary key, String secret) {

    @Override
    public String toString() {
        return "CreatedApiKey[key=" + key + ", secret=" + key.prefix() + "…]";
    }
}
