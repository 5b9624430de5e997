package com.imagegate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BudgetPeriodTests {

    static Instant at(String utc) {
        return Instant.parse(utc);
    }

    @Test
    void aDayIsAUtcCalendarDay() {
        assertThat(BudgetPeriod.DAY.start(at("2026-12-03T23:59:59.999999Z"))).isEqualTo(at("2026-12-03T00:00:00Z"));
        assertThat(BudgetPeriod.DAY.end(at("2026-12-03T23:59:59.999999Z"))).isEqualTo(at("2026-12-04T00:00:00Z"));
        assertThat(BudgetPeriod.DAY.start(at("2026-12-04T00:00:00Z"))).isEqualTo(at("2026-12-04T00:00:00Z"));
    }

    @Test
    void aWeekRunsFromMondayMidnightUtcToTheNextMonday() {
        // 2026-12-06 is a Sunday, 2026-12-07 a Monday.
        assertThat(BudgetPeriod.WEEK.start(at("2026-12-06T23:59:59Z"))).isEqualTo(at("2026-11-30T00:00:00Z"));
        assertThat(BudgetPeriod.WEEK.end(at("2026-12-06T23:59:59Z"))).isEqualTo(at("2026-12-07T00:00:00Z"));
        assertThat(BudgetPeriod.WEEK.start(at("2026-12-07T00:00:00Z"))).isEqualTo(at("2026-12-07T00:00:00Z"));
        assertThat(BudgetPeriod.WEEK.start(at("2026-12-03T12:00:00Z"))).isEqualTo(at("2026-11-30T00:00:00Z"));
        // Across a year: ISO week 1 of 2027 starts Monday 2027-01-04; Friday 2027-01-01 is in the week of 2026-12-28.
        assertThat(BudgetPeriod.WEEK.start(at("2027-01-01T10:00:00Z"))).isEqualTo(at("2026-12-28T00:00:00Z"));
    }

    @Test
    void aMonthIsAUtcCalendarMonth() {
        assertThat(BudgetPeriod.MONTH.start(at("2026-12-31T23:59:59Z"))).isEqualTo(at("2026-12-01T00:00:00Z"));
        assertThat(BudgetPeriod.MONTH.end(at("2026-12-31T23:59:59Z"))).isEqualTo(at("2027-01-01T00:00:00Z"));
        assertThat(BudgetPeriod.MONTH.end(at("2027-02-10T00:00:00Z"))).isEqualTo(at("2027-03-01T00:00:00Z"));
    }

    @Test
    void valuesAreLowerCaseWords() {
        assertThat(BudgetPeriod.WEEK.value()).isEqualTo("week");
        assertThat(BudgetPeriod.of(" month ")).isEqualTo(BudgetPeriod.MONTH);
    }
}
