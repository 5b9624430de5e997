package com.imagegate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BalanceAlertsTests {

    @ParameterizedTest
    @CsvSource({"500,500", "' 500 ',500", "'1,000',1000", "1_000,1000", "'1 000 000',1000000", "0,0"})
    void aWholeNumberOfCreditsIsAThreshold(String typed, long limit) {
        assertThat(BalanceAlerts.parseThreshold(typed)).isEqualTo(limit);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void blankIsNoAlert(String typed) {
        assertThat(BalanceAlerts.parseThreshold(typed)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ten", "-5", "+5", "1.5", "10e3", "5 credits", ",500", "500,", "1,,000", "１２"})
    void anythingElseIsRefusedWithAMessageForPeople(String typed) {
        assertThatThrownBy(() -> BalanceAlerts.parseThreshold(typed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole number of credits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000000000001", "9999999999999"})
    void aThresholdBeyondTheMaximumIsRefused(String typed) {
        assertThatThrownBy(() -> BalanceAlerts.parseThreshold(typed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1,000,000,000,000");
    }
}
