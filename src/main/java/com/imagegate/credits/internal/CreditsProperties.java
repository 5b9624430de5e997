package com.imagegate.credits.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Ledger settings.
 *
 * @param staleReservationAge a reservation open longer than this is listed by the integrity report
 * @param expiryInterval how often the job that writes off expired lots runs (a JobRunr recurring job, once across
 *     nodes)
 * @param expiryBatchSize lots written off per batch, each in its own transaction
 */
@ConfigurationProperties("imagegate.credits")
record CreditsProperties(
        @DefaultValue("PT1H") Duration staleReservationAge,
        @DefaultValue("PT5M") Duration expiryInterval,
        @DefaultValue("500") int expiryBatchSize) {

    CreditsProperties {
        if (staleReservationAge.isNegative() || staleReservationAge.isZero()) {
            throw new IllegalArgumentException("imagegate.credits.stale-reservation-age must be positive");
        }
        if (expiryInterval.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new IllegalArgumentException("imagegate.credits.expiry-interval must be at least 5 seconds");
        }
        if (expiryBatchSize < 1) {
            throw new IllegalArgumentException("imagegate.credits.expiry-batch-size must be positive");
        }
    }
}
