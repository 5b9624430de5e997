package com.imagegate.api.internal;

import java.time.Duration;

/**
 * The official OpenAI SDKs send no Idempotency-Key for images but number their retries in
 * {@code X-Stainless-Retry-Count}. A retry (count ≥ 1) without a key waits for the task of the same API key and request
 * digest made within {@link #window} (unless it failed or was canceled) instead of paying for a second one. The task
 * is found in the database ({@code Generations.retried}), so a retry that a load balancer sends to another node finds
 * it too.
 */
final class SdkRetries {

    private SdkRetries() {}

    /** How far back a retry looks: an SDK retries after the first attempt's answer, at most the drop-in's wait, ended. */
    static Duration window(Duration maxWait) {
        return maxWait.plusMinutes(1);
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
