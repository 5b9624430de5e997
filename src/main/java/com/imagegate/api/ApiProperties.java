package com.imagegate.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Public API settings.
 *
 * @param maxBodyBytes the largest JSON body accepted; larger ones answer 413
 * @param readsPerMinute reads (task, task list, account) per key per minute, counted per node
 */
@ConfigurationProperties("imagegate.api")
public record ApiProperties(
        @DefaultValue("1048576") int maxBodyBytes,
        @DefaultValue("600") int readsPerMinute) {

    public ApiProperties {
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("imagegate.api.max-body-bytes must be at least 1024");
        }
        if (readsPerMinute < 1) {
            throw new IllegalArgumentException("imagegate.api.reads-per-minute must be positive");
        }
    }
}
