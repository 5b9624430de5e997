package com.imagegate.credits.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class HistoryCursorTests {

    @Test
    void roundTripsToTheMicrosecond() {
        HistoryCursor cursor = new HistoryCursor(Instant.parse("2026-11-25T19:00:00.123456Z"), "ent_abc");

        assertThat(HistoryCursor.decode(cursor.encode())).isEqualTo(cursor);
        assertThat(cursor.encode()).doesNotContain("ent_abc");
    }

    @Test
    void refusesTextItDidNotMake() {
        assertThatIllegalArgumentException().isThrownBy(() -> HistoryCursor.decode("not a cursor!"));
        assertThatIllegalArgumentException().isThrownBy(() -> HistoryCursor.decode("YWJj"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HistoryCursor.decode(
                        Base64.getUrlEncoder().encodeToString("c1|notanumber|ent_1".getBytes(StandardCharsets.UTF_8))));
    }
}
