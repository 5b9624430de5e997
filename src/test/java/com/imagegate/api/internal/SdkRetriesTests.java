package com.imagegate.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SdkRetriesTests {

    @Test
    void aRetryFindsTheFirstAttemptOfTheSameKeyAndBodyWithinTheWindowOnly() {
        var clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
        var retries = new SdkRetries(clock, Duration.ofMinutes(11));
        retries.remember("key_a", "hash1", "task_1");

        assertThat(retries.firstAttempt("key_a", "hash1")).contains("task_1");
        assertThat(retries.firstAttempt("key_b", "hash1")).isEmpty();
        assertThat(retries.firstAttempt("key_a", "hash2")).isEmpty();

        clock.advance(Duration.ofMinutes(12));
        assertThat(retries.firstAttempt("key_a", "hash1")).isEmpty();
    }

    @Test
    void onlyAPositiveRetryCountIsARetry() {
        assertThat(SdkRetries.isRetry("1")).isTrue();
        assertThat(SdkRetries.isRetry(" 2 ")).isTrue();
        assertThat(SdkRetries.isRetry("0")).isFalse();
        assertThat(SdkRetries.isRetry(null)).isFalse();
        assertThat(SdkRetries.isRetry("x")).isFalse();
    }
}
