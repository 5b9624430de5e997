package com.imagegate.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Money as integer micro-units: exact in both directions, refusing what is not a price. */
class MicrosTests {

    @Test
    void amountsAreShownWithTwoToSixDecimals() {
        assertThat(Micros.format(0)).isEqualTo("0.00");
        assertThat(Micros.format(167_000)).isEqualTo("0.167");
        assertThat(Micros.format(250_000)).isEqualTo("0.25");
        assertThat(Micros.format(100_000_000)).isEqualTo("100.00");
        assertThat(Micros.format(1)).isEqualTo("0.000001");
        assertThat(Micros.format(1_315_493)).isEqualTo("1.315493");
    }

    @Test
    void pricesAreReadExactly() {
        assertThat(Micros.parsePrice("0.167")).isEqualTo(167_000);
        assertThat(Micros.parsePrice(" 0.25 ")).isEqualTo(250_000);
        assertThat(Micros.parsePrice(".5")).isEqualTo(500_000);
        assertThat(Micros.parsePrice("3")).isEqualTo(3_000_000);
        assertThat(Micros.parsePrice("0.000001")).isEqualTo(1);
        assertThat(Micros.parsePrice("0.1000000")).isEqualTo(100_000);
        assertThat(Micros.parsePrice("0")).isZero();
        assertThat(Micros.parsePrice("1000")).isEqualTo(Micros.MAX_PRICE);
        // 0.1 + 0.2 in floating point is 0.30000000000000004; here it is exact.
        assertThat(Micros.parsePrice("0.1") + Micros.parsePrice("0.2")).isEqualTo(Micros.parsePrice("0.3"));
    }

    @Test
    void whatIsNotAPriceIsRefused() {
        for (String bad :
                new String[] {"", " ", "-1", "+1", "1e3", "0,5", "abc", "1.2.3", "NaN", "0.0000001", "1000.000001"}) {
            assertThatThrownBy(() -> Micros.parsePrice(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Micros.parsePrice(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
