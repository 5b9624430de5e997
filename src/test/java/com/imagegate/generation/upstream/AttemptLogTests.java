package com.imagegate.generation.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.generation.ProviderAttempt;
import com.imagegate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** The attempts table as the migration makes it, on H2 in MySQL mode (the embedded default). */
class AttemptLogTests {

    private final SingleConnectionDataSource db = new SingleConnectionDataSource(
            "jdbc:h2:mem:attempts" + System.nanoTime() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE", "sa", "", true);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00.123456Z"));
    private final AttemptLog log;

    AttemptLogTests() {
        new ResourceDatabasePopulator(
                        new ClassPathResource("db/migration/generation/V202611252010__generation_tasks.sql"),
                        new ClassPathResource("db/migration/generation/V202611252147__generation_upstream.sql"),
                        new ClassPathResource("db/migration/generation/V202612040200__generation_upstream_costs.sql"))
                .execute(db);
        log = new AttemptLog(JdbcClient.create(db), Duration.ofDays(30), clock);
    }

    @AfterEach
    void close() {
        db.destroy();
    }

    ProviderAttempt attempt(String task, int attempt, Instant at, Integer status, String error) {
        return new ProviderAttempt(
                task,
                0,
                attempt,
                "default",
                "generations",
                status,
                error,
                error == null ? 1 : 0,
                at,
                Duration.ofMillis(1234),
                0,
                0,
                null);
    }

    @Test
    void aTasksAttemptsComeBackInOrderWithMicrosecondsKept() {
        Instant t0 = clock.instant();
        log.record(attempt("task_b", 2, t0.plusMillis(1500), 200, null));
        log.record(attempt("task_b", 1, t0, null, "upstream_timeout"));
        log.record(attempt("task_other", 1, t0, 200, null));

        var attempts = log.of("task_b");

        assertThat(attempts).extracting(ProviderAttempt::attempt).containsExactly(1, 2);
        assertThat(attempts.getFirst().startedAt()).isEqualTo(t0);
        assertThat(attempts.getFirst().statusCode()).isNull();
        assertThat(attempts.getFirst().errorCode()).isEqualTo("upstream_timeout");
        assertThat(attempts.getFirst().duration()).isEqualTo(Duration.ofMillis(1234));
        assertThat(attempts.getLast().statusCode()).isEqualTo(200);
    }

    @Test
    void attemptsOlderThanTheRetentionAreDeleted() {
        log.record(attempt("task_old", 1, clock.instant(), 200, null));
        clock.advance(Duration.ofDays(20));
        log.record(attempt("task_new", 1, clock.instant(), 200, null));
        clock.advance(Duration.ofDays(11));

        assertThat(log.deleteOld()).isEqualTo(1);
        assertThat(log.of("task_old")).isEmpty();
        assertThat(log.of("task_new")).hasSize(1);
    }

    ProviderAttempt billed(String task, int attempt, Instant at, int images, long cost) {
        return new ProviderAttempt(
                task,
                0,
                attempt,
                "default",
                "generations",
                200,
                null,
                images,
                at,
                Duration.ofMillis(10),
                images,
                cost,
                "USD");
    }

    private void task(String id) {
        JdbcClient.create(db)
                .sql("insert into image_tasks (id, workspace_id, source, kind, status, model, model_snapshot, provider,"
                        + " n, size, quality, output_format, credits, credits_refunded, attempts, created_at)"
                        + " values (?, 'ws_1', 'api', 'generation', 'PROCESSING', 'm', 'm', 'openai', 1, '1024x1024',"
                        + " 'auto', 'png', 10, false, 1, ?)")
                .params(id, java.time.LocalDateTime.of(2026, 11, 25, 12, 0))
                .update();
    }

    @Test
    void aTaskCarriesTheSumOfItsCallsCosts() {
        task("task_sum");
        task("task_other");
        log.record(attempt("task_sum", 1, clock.instant(), 500, "upstream_server_error"));
        log.record(billed("task_sum", 2, clock.instant().plusMillis(5), 1, 167_000));
        log.record(billed("task_sum", 3, clock.instant().plusMillis(9), 2, 500_000));
        log.record(billed("task_other", 1, clock.instant(), 1, 1));

        assertThat(log.taskCost("task_sum")).isEqualTo(667_000);
        assertThat(log.of("task_sum"))
                .extracting(ProviderAttempt::billedImages, ProviderAttempt::costMicros, ProviderAttempt::costCurrency)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, 0L, null),
                        org.assertj.core.groups.Tuple.tuple(1, 167_000L, "USD"),
                        org.assertj.core.groups.Tuple.tuple(2, 500_000L, "USD"));
        assertThat(log.taskCost("task_unknown")).isZero();
    }

    @Test
    void billedCallsOutliveTheRetentionAsTheRecordOfWhatTheUpstreamCharged() {
        task("task_paid");
        log.record(billed("task_paid", 1, clock.instant(), 1, 167_000));
        log.record(attempt("task_paid", 2, clock.instant(), 500, "upstream_server_error"));
        clock.advance(Duration.ofDays(31));

        assertThat(log.deleteOld()).isEqualTo(1);
        assertThat(log.of("task_paid")).extracting(ProviderAttempt::costMicros).containsExactly(167_000L);
    }
}
