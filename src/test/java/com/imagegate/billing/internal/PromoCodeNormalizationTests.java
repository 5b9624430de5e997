package com.imagegate.billing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How typed codes are read (case, spaces and dashes do not count) and what the settings accept. */
class PromoCodeNormalizationTests {

    @Test
    void caseSpacesAndDashesDoNotCount() {
        assertThat(PromoCodeService.normalize("welcome-2027")).isEqualTo("WELCOME2027");
        assertThat(PromoCodeService.normalize("  We lcome 20-27 ")).isEqualTo("WELCOME2027");
        assertThat(PromoCodeService.normalize("abcd\tefgh")).isEqualTo("ABCDEFGH");
    }

    @Test
    void anythingButLettersAndDigitsIsNoCode() {
        assertThat(PromoCodeService.normalize(null)).isNull();
        assertThat(PromoCodeService.normalize("")).isNull();
        assertThat(PromoCodeService.normalize(" - - ")).isNull();
        assertThat(PromoCodeService.normalize("WELCOME'; drop table")).isNull();
        assertThat(PromoCodeService.normalize("CAFÉ2027")).isNull();
        assertThat(PromoCodeService.normalize("A".repeat(41))).isNull();
        assertThat(PromoCodeService.normalize("A".repeat(40))).hasSize(40);
        assertThat(PromoCodeService.normalize("A".repeat(100_000))).isNull();
    }

    @Test
    void theAlphabetHasThirtyTwoCharactersWithoutLookAlikes() {
        assertThat(PromoCodeService.ALPHABET).hasSize(32).doesNotContain("0", "O", "1", "I");
        assertThat(PromoCodeService.ALPHABET.chars().distinct().count()).isEqualTo(32);
    }

    @Test
    void settingsThatWouldMakeGuessableCodesOrNoLimitAreRefused() {
        assertThatThrownBy(() -> new PromoCodeProperties(8, 8, 10, 30, Duration.ofHours(1)))
                .hasMessageContaining("generated-length");
        assertThatThrownBy(() -> new PromoCodeProperties(16, 4, 10, 30, Duration.ofHours(1)))
                .hasMessageContaining("min-typed-length");
        assertThatThrownBy(() -> new PromoCodeProperties(16, 8, 0, 30, Duration.ofHours(1)))
                .hasMessageContaining("attempts-per");
        assertThatThrownBy(() -> new PromoCodeProperties(16, 8, 10, 30, Duration.ofSeconds(5)))
                .hasMessageContaining("attempt-window");
    }
}
