package com.imagegate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookPropertiesTests {

    static WebhookProperties with(Duration base, Duration max) {
        return new WebhookProperties(
                Duration.ofSeconds(10), base, max, Duration.ofHours(24), Duration.ofHours(24), false, 10);
    }

    @Test
    void backoffDoublesFromTheBaseUpToTheMax() {
        var properties = with(Duration.ofSeconds(10), Duration.ofHours(1));
        assertThat(properties.backoffAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.backoffAfter(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(properties.backoffAfter(5)).isEqualTo(Duration.ofSeconds(160));
        assertThat(properties.backoffAfter(10)).isEqualTo(Duration.ofHours(1));
        assertThat(properties.backoffAfter(1000)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aBaseAboveTheMaxIsRefused() {
        assertThatThrownBy(() -> with(Duration.ofHours(2), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backoff-base");
    }
}
