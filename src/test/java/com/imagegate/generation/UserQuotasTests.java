package com.imagegate.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UserQuotasTests {

    @ParameterizedTest
    @CsvSource({"500,500", "' 500 ',500", "'1,000',1000", "1_000,1000", "'1 000 000',1000000", "0,0"})
    void aWholeNumberOfCreditsIsALimit(String typed, long limit) {
        assertThat(UserQuotas.parseDailyCreditLimit(typed)).isEqualTo(limit);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void blankIsNoLimit(String typed) {
        assertThat(UserQuotas.parseDailyCreditLimit(typed)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ten", "-5", "+5", "1.5", "10e3", "5 credits", ",500", "500,", "1,,000", "１２"})
    void anythingElseIsRefusedWithAMessageForPeople(String typed) {
        assertThatThrownBy(() -> UserQuotas.parseDailyCreditLimit(typed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole number of credits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000000000001", "9999999999999"})
    void aLimitBeyondTheMaximumIsRefused(String typed) {
        assertThatThrownBy(() -> UserQuotas.parseDailyCreditLimit(typed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1,000,000,000,000");
    }
}
