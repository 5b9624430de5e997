package com.imagegate.credits;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * The period an API key's budget is counted over, in UTC: a day, an ISO week (from Monday 00:00) or a calendar month.
 */
public enum BudgetPeriod {
    DAY,
    WEEK,
    MONTH;

    /** The first instant of the period that holds {@code instant}. */
    public Instant start(Instant instant) {
        ZonedDateTime day = instant.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        return switch (this) {
            case DAY -> day.toInstant();
            case WEEK ->
                day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toInstant();
            case MONTH -> day.withDayOfMonth(1).toInstant();
        };
    }

    /** The first instant of the next period: when a budget counted in the period that holds {@code instant} resets. */
    public Instant end(Instant instant) {
        ZonedDateTime start = start(instant).atZone(ZoneOffset.UTC);
        return switch (this) {
            case DAY -> start.plusDays(1).toInstant();
            case WEEK -> start.plusWeeks(1).toInstant();
            case MONTH -> start.plusMonths(1).toInstant();
        };
    }

    /** {@code day}, {@code week} or {@code month}, as the API and the database write it. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@link #value()}; unknown text is an {@link IllegalArgumentException}. */
    public static BudgetPeriod of(String value) {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
    }
}
