package com.imagegate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CustomTermsTests {

    @Test
    void blankFieldsFollowThePlan() {
        assertThat(CustomTerms.parse("", "  ", null)).isEqualTo(CustomTerms.NONE);
        assertThat(CustomTerms.NONE.isEmpty()).isTrue();
    }

    @Test
    void typedTermsAreReadExactly() {
        var terms = CustomTerms.parse(" 1,200 ", "16", "0.8");
        assertThat(terms.requestsPerMinute()).isEqualTo(1200);
        assertThat(terms.concurrentTasks()).isEqualTo(16);
        assertThat(terms.priceMultiplier()).isEqualTo(new BigDecimal("0.80"));
        assertThat(terms).isEqualTo(new CustomTerms(1200, 16, new BigDecimal("0.80")));
        assertThat(terms.describe()).isEqualTo("requests/min 1200; concurrent tasks 16; price multiplier 0.80");
    }

    @Test
    void theBoundsAreAccepted() {
        assertThat(CustomTerms.parse("1", "1", "0.10")).isEqualTo(new CustomTerms(1, 1, new BigDecimal("0.1")));
        assertThat(CustomTerms.parse("100000", "10000", "10.00"))
                .isEqualTo(new CustomTerms(100_000, 10_000, new BigDecimal("10")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "0", "100001", "99999999999999999999", "ten", "1.5", "1e3", "+7", "0x10"})
    void badRequestsPerMinuteAreRefused(String typed) {
        assertThatThrownBy(() -> CustomTerms.parse(typed, "", ""))
                .isInstanceOf(CustomTerms.InvalidTerms.class)
                .hasMessageContaining("Requests per minute");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "0", "10001", "2147483648", "lots", "3.0"})
    void badConcurrentTasksAreRefused(String typed) {
        assertThatThrownBy(() -> CustomTerms.parse("", typed, ""))
                .isInstanceOf(CustomTerms.InvalidTerms.class)
                .hasMessageContaining("Concurrent tasks");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-0.5",
                "0",
                "0.00",
                "0.09",
                "10.01",
                "11",
                "1000",
                "0.805",
                "1e0",
                "NaN",
                "Infinity",
                "0,8",
                "abc",
                ".5",
                "1.",
                " - 1"
            })
    void badMultipliersAreRefused(String typed) {
        assertThatThrownBy(() -> CustomTerms.parse("", "", typed))
                .isInstanceOf(CustomTerms.InvalidTerms.class)
                .hasMessageContaining("Price multiplier");
    }

    @Test
    void termsOutOfBoundsCannotBeMade() {
        assertThatThrownBy(() -> new CustomTerms(0, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CustomTerms(null, 10_001, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CustomTerms(null, null, new BigDecimal("0.099")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CustomTerms(null, null, new BigDecimal("0.805")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePlanUnderCustomTermsHasTheCustomLimitsAndKeepsItsOwn() {
        var pro = new CurrentPlan("pro", "Pro", 60, 8, null, false, false, null, null, CustomTerms.NONE, 60, 8);
        assertThat(pro.priceMultiplier()).isEqualTo(new BigDecimal("1.00"));
        assertThat(pro.customPricing()).isFalse();

        var custom = pro.withCustom(new CustomTerms(120, null, new BigDecimal("0.80")));
        assertThat(custom.requestsPerMinute()).isEqualTo(120);
        assertThat(custom.customRequestsPerMinute()).isTrue();
        assertThat(custom.concurrentTasks()).isEqualTo(8);
        assertThat(custom.customConcurrentTasks()).isFalse();
        assertThat(custom.planRequestsPerMinute()).isEqualTo(60);
        assertThat(custom.priceMultiplier()).isEqualTo(new BigDecimal("0.80"));
        assertThat(custom.customPricing()).isTrue();

        var cleared = custom.withCustom(CustomTerms.NONE);
        assertThat(cleared).isEqualTo(pro);
    }
}
