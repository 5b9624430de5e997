package com.imagegate.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** The creation windows as the migration makes them, on H2 in MySQL mode (the embedded default). */
class RequestRateLimiterTests {

    private final SingleConnectionDataSource db = new SingleConnectionDataSource(
            "jdbc:h2:mem:rates" + System.nanoTime() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE", "sa", "", true);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
    private final JdbcTemplate jdbc = new JdbcTemplate(db);
    private final RequestRateLimiter limiter;

    RequestRateLimiterTests() {
        new ResourceDatabasePopulator(new ClassPathResource("db/migration/api/V202611252030__api_rate_windows.sql"))
                .execute(db);
        limiter = new RequestRateLimiter(JdbcClient.create(jdbc), clock);
    }

    @AfterEach
    void close() {
        db.destroy();
    }

    @Test
    void creationsCountIntoOneWindowAMinuteAndTheLimitRefusesTheRest() {
        assertThat(limiter.creation("ws_a", 2).allowed()).isTrue();
        assertThat(limiter.creation("ws_a", 2).remaining()).isZero();
        assertThat(limiter.creation("ws_a", 2).allowed()).isFalse();
        assertThat(limiter.creation("ws_b", 2).allowed())
                .as("another workspace")
                .isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.creation("ws_a", 2).allowed()).as("the next minute").isTrue();
    }

    @Test
    void theHourlyCleanupForgetsWindowsOlderThanAnHour() {
        limiter.creation("ws_a", 10);
        clock.advance(Duration.ofMinutes(30));
        limiter.creation("ws_a", 10);
        clock.advance(Duration.ofMinutes(45));
        limiter.creation("ws_a", 10);

        assertThat(new RateWindowsCleanup(limiter).deleteOld()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from rate_windows", Integer.class))
                .isEqualTo(2);
    }
}
