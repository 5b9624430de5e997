package com.imagegate.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SdkRetriesTests {

    @Test
    void onlyAPositiveRetryCountIsARetry() {
        assertThat(SdkRetries.isRetry("1")).isTrue();
        assertThat(SdkRetries.isRetry(" 2 ")).isTrue();
        assertThat(SdkRetries.isRetry("0")).isFalse();
        assertThat(SdkRetries.isRetry(null)).isFalse();
        assertThat(SdkRetries.isRetry("x")).isFalse();
    }
}
