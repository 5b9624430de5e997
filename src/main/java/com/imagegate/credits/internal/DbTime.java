package com.imagegate.credits.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Instants in {@code datetime(6)} columns as UTC wall time, the way Hibernate stores them here ({@code
 * hibernate.jdbc.time_zone: UTC}), independent of the JVM's and the server's time zone.
 */
final class DbTime {

    private DbTime() {}

    /** The precision the columns keep. */
    static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** A parameter for a {@code datetime(6)} column, cut to microseconds here rather than rounded by a driver. */
    static LocalDateTime param(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(truncate(instant), ZoneOffset.UTC);
    }

    static Instant read(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
