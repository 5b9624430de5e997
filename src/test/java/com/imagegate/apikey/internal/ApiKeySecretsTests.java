package com.imagegate.apikey.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.apikey.ApiKeyMode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeySecretsTests {

    @Test
    void secretsArePrefixedByModeAndCarryAtLeast192BitsOfBase62() {
        String live = ApiKeySecrets.generate(ApiKeyMode.LIVE);
        String test = ApiKeySecrets.generate(ApiKeyMode.TEST);

        assertThat(live).startsWith("ig_live_").hasSize(8 + 43).matches("ig_live_[0-9A-Za-z]{43}");
        assertThat(test).startsWith("ig_test_").hasSize(8 + 43).matches("ig_test_[0-9A-Za-z]{43}");
        double bits = ApiKeySecrets.RANDOM_LENGTH * (Math.log(62) / Math.log(2));
        assertThat(bits).isGreaterThanOrEqualTo(192);
        assertThat(ApiKeySecrets.modeOf(live)).isEqualTo(ApiKeyMode.LIVE);
        assertThat(ApiKeySecrets.modeOf(test)).isEqualTo(ApiKeyMode.TEST);
    }

    @Test
    void randomPartUsesEveryBase62CharacterAboutEquallyAndNeverRepeats() {
        Map<Character, Integer> counts = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int secrets = 5_000;
        for (int i = 0; i < secrets; i++) {
            String secret = ApiKeySecrets.generate(ApiKeyMode.LIVE);
            assertThat(seen.add(secret)).isTrue();
            for (char c : secret.substring(8).toCharArray()) {
                counts.merge(c, 1, Integer::sum);
            }
        }
        assertThat(counts.keySet()).hasSize(62);
        double expected = secrets * 43 / 62.0; // ≈ 3468 per character
        // Chi-square over 61 degrees of freedom: a uniform source stays far below 120 (p < 1e-5 above it).
        double chiSquare = counts.values().stream()
                .mapToDouble(n -> (n - expected) * (n - expected) / expected)
                .sum();
        assertThat(chiSquare).isLessThan(120);
    }

    @Test
    void onlyWellFormedSecretsReachTheDatabase() {
        String good = ApiKeySecrets.generate(ApiKeyMode.TEST);

        assertThat(ApiKeySecrets.wellFormed(good)).isTrue();
        assertThat(ApiKeySecrets.wellFormed(null)).isFalse();
        assertThat(ApiKeySecrets.wellFormed("")).isFalse();
        assertThat(ApiKeySecrets.wellFormed(good.substring(0, good.length() - 1)))
                .isFalse();
        assertThat(ApiKeySecrets.wellFormed(good + "a")).isFalse();
        assertThat(ApiKeySecrets.wellFormed("sk-" + good.substring(3))).isFalse();
        assertThat(ApiKeySecrets.wellFormed("ig_prod_" + good.substring(8))).isFalse();
        assertThat(ApiKeySecrets.wellFormed(good.substring(0, 50) + "-")).isFalse();
        assertThat(ApiKeySecrets.wellFormed(good.substring(0, 50) + "é")).isFalse();
        assertThat(ApiKeySecrets.wellFormed("ig_live_' or '1'='1' -- aaaaaaaaaaaaaaaaaaaaaa"))
                .isFalse();
    }

    @Test
    void storesTheSha256OfTheWholeSecretAsHex() {
        // SHA-256("abc"), FIPS 180-2 test vector.
        assertThat(ApiKeySecrets.hex(ApiKeySecrets.sha256("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        String secret = ApiKeySecrets.generate(ApiKeyMode.LIVE);
        String hash = ApiKeySecrets.hex(ApiKeySecrets.sha256(secret));
        assertThat(hash).hasSize(64).matches("[0-9a-f]{64}").doesNotContain(secret.substring(8, 20));
        assertThat(ApiKeySecrets.unhex(hash)).isEqualTo(ApiKeySecrets.sha256(secret));
        assertThat(ApiKeySecrets.sameHash(ApiKeySecrets.sha256(secret), ApiKeySecrets.unhex(hash)))
                .isTrue();
        assertThat(ApiKeySecrets.sameHash(
                        ApiKeySecrets.sha256(secret), ApiKeySecrets.sha256(ApiKeySecrets.generate(ApiKeyMode.LIVE))))
                .isFalse();
    }

    @Test
    void visiblePrefixIsTheModeAndFourRandomCharacters() {
        String secret = ApiKeySecrets.generate(ApiKeyMode.LIVE);

        assertThat(ApiKeySecrets.visiblePrefix(secret)).hasSize(12).isEqualTo(secret.substring(0, 12));
    }
}
