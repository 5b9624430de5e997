package com.imagegate.billing.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Promo code settings.
 *
 * @param generatedLength characters of a generated code, from a 32-letter alphabet without look-alikes (5 bits each:
 *     16 characters are 80 bits)
 * @param minTypedLength the shortest code an admin may type (after removing spaces and dashes)
 * @param attemptsPerWorkspace redemption attempts a workspace may make per {@code attemptWindow}, successful or not
 * @param attemptsPerAddress redemption attempts from one client address per {@code attemptWindow}, whatever the
 *     workspace
 * @param attemptWindow the length of the fixed window attempts are counted in
 */
@ConfigurationProperties("imagegate.billing.promo-codes")
record PromoCodeProperties(
        @DefaultValue("16") int generatedLength,
        @DefaultValue("8") int minTypedLength,
        @DefaultValue("10") int attemptsPerWorkspace,
        @DefaultValue("30") int attemptsPerAddress,
        @DefaultValue("1h") Duration attemptWindow) {

    static final int MAX_LENGTH = 40;

    PromoCodeProperties {
        if (generatedLength < 12 || generatedLength > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "imagegate.billing.promo-codes.generated-length must be between 12 and " + MAX_LENGTH);
        }
        if (minTypedLength < 6 || minTypedLength > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "imagegate.billing.promo-codes.min-typed-length must be between 6 and " + MAX_LENGTH);
        }
        if (attemptsPerWorkspace < 1 || attemptsPerAddress < 1) {
            throw new IllegalArgumentException("imagegate.billing.promo-codes.attempts-per-* must be positive");
        }
        if (attemptWindow.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("imagegate.billing.promo-codes.attempt-window must be at least 1m");
        }
    }
}
