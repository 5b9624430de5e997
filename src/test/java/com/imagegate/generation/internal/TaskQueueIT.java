package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Queue places, both ways the watcher counts them: one count per task, and one ordered pass over the pending queue.
 * Same settings as {@code TaskEventsIT}, so the two share one application context; the rows made here are pending
 * tasks nobody dispatches (no job, no local run), removed at the end.
 */
@com.imagegate.testsupport.MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.sandbox.delay=1500ms",
            "imagegate.generation.tasks.local-workers=1",
            "imagegate.generation.tasks.queue-stats-ttl=0s",
            "jobrunr.background-job-server.enabled=false",
            "imagegate.plans.free.concurrent-tasks=100",
            "imagegate.plans.free.requests-per-minute=100",
            "imagegate.api.streams.heartbeat=300ms",
            "imagegate.api.streams.max-per-workspace=200"
        })
class TaskQueueIT {

    @Autowired
    TaskQueue queue;

    @Autowired
    DataSource dataSource;

    @Test
    void aPendingTasksPlaceCountsThePendingTasksOfItsProviderAcceptedBeforeIt() {
        var jdbc = new JdbcTemplate(dataSource);
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant base = Instant.now().plus(Duration.ofDays(3650)); // behind anything else pending
        List<String> ids = new ArrayList<>();
        Map<String, Integer> expected = new HashMap<>();
        Map<String, Integer> perProvider = new HashMap<>();
        try {
            for (int i = 0; i < 20; i++) {
                String provider = i % 3 == 0 ? "openai" : "sandbox";
                String id = "task_q" + run + String.format("%02d", i) + "x".repeat(8);
                jdbc.update(
                        "insert into image_tasks (id, workspace_id, source, kind, status, model, model_snapshot,"
                                + " provider, prompt, n, size, quality, output_format, credits, credits_refunded,"
                                + " attempts, created_at) values (?, 'ws_queue_it', 'api', 'generation', 'PENDING',"
                                + " 'gpt-image-2', 'gpt-image-2', ?, 'queued', 1, '1024x1024', 'auto', 'png', 0,"
                                + " false, 0, ?)",
                        id,
                        provider,
                        Timestamp.from(base.plusMillis(i / 2))); // pairs share a creation time: the id breaks ties
                ids.add(id);
            }
            // Everything already pending for each provider (other tests' leftovers) comes first.
            for (String provider : List.of("openai", "sandbox")) {
                perProvider.put(
                        provider,
                        jdbc.queryForObject(
                                "select count(*) from image_tasks where status = 'PENDING' and provider = ?"
                                        + " and id not like ?",
                                Integer.class,
                                provider,
                                "task_q" + run + "%"));
            }
            for (int i = 0; i < ids.size(); i++) {
                String provider = i % 3 == 0 ? "openai" : "sandbox";
                expected.put(ids.get(i), perProvider.merge(provider, 1, Integer::sum) - 1);
            }

            assertThat(queue.ahead(ids)).isEqualTo(expected);
            assertThat(queue.aheadInQueue(ids)).isEqualTo(expected);
            assertThat(queue.place(ids.get(4), "1024x1024").position()).isEqualTo(expected.get(ids.get(4)) + 1);

            // A task that started is no longer in the queue: left out, and the ones behind it move up.
            jdbc.update("update image_tasks set status = 'PROCESSING' where id = ?", ids.get(1));
            assertThat(queue.aheadInQueue(ids)).doesNotContainKey(ids.get(1));
            assertThat(queue.aheadInQueue(ids).get(ids.get(2))).isEqualTo(expected.get(ids.get(2)) - 1);
            assertThat(queue.ahead(ids)).isEqualTo(queue.aheadInQueue(ids));
            assertThat(queue.place(ids.get(1), "1024x1024")).isNull();
        } finally {
            jdbc.update("delete from image_tasks where id like ?", "task_q" + run + "%");
        }
    }

    /**
     * The estimate takes off how long the task ahead has rendered already: a provider of its own (so nothing else in
     * the database moves its figures) with a 10 s median, one task 6 s into its render, and one pending behind it.
     */
    @Test
    void aPendingTasksEstimateCountsTheTimeTheTaskAheadHasRenderedAlready() {
        var jdbc = new JdbcTemplate(dataSource);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String provider = "eta" + run;
        Instant now = Instant.now();
        Instant future = now.plus(Duration.ofDays(3650)); // the newest rows, so the median reads them
        try {
            for (int i = 0; i < 3; i++) {
                Instant started = now.minus(Duration.ofMinutes(10 + i));
                insert(
                        jdbc,
                        "task_e" + run + "s" + i,
                        provider,
                        "SUCCEEDED",
                        future.plusMillis(i),
                        started,
                        started.plusSeconds(10));
            }
            String rendering = "task_e" + run + "r0";
            insert(jdbc, rendering, provider, "PROCESSING", future.plusSeconds(1), now.minusSeconds(6), null);
            // Held by another node for an hour, so no sweeper here takes it over while the test reads.
            jdbc.update(
                    "update image_tasks set lease_owner = 'another-node', lease_until = ? where id = ?",
                    SqlTimes.utc(now.plus(Duration.ofHours(1))),
                    rendering);
            String pending = "task_e" + run + "p0";
            insert(jdbc, pending, provider, "PENDING", future.plusSeconds(2), null, null);

            var place = queue.place(pending, "1024x1024");
            assertThat(place.position()).isEqualTo(1);
            // 4 s left of the render ahead, then its own 10 s; ignoring the 6 s rendered it would be 20 s.
            assertThat(place.etaSeconds()).isBetween(13L, 15L);

            // A render ahead that has run past the median may end any moment: only its own render is left.
            jdbc.update(
                    "update image_tasks set started_at = ? where id = ?",
                    SqlTimes.utc(now.minusSeconds(30)),
                    rendering);
            assertThat(queue.place(pending, "1024x1024").etaSeconds()).isEqualTo(10L);
        } finally {
            jdbc.update("delete from image_tasks where id like ?", "task_e" + run + "%");
        }
    }

    private static void insert(
            JdbcTemplate jdbc,
            String id,
            String provider,
            String status,
            Instant created,
            Instant started,
            Instant finished) {
        jdbc.update(
                "insert into image_tasks (id, workspace_id, source, kind, status, model, model_snapshot,"
                        + " provider, prompt, n, size, quality, output_format, credits, credits_refunded,"
                        + " attempts, created_at, started_at, finished_at) values (?, 'ws_queue_it', 'api',"
                        + " 'generation', ?, 'gpt-image-2', 'gpt-image-2', ?, 'queued', 1, '1024x1024', 'auto',"
                        + " 'png', 0, false, 0, ?, ?, ?)",
                id,
                status,
                provider,
                SqlTimes.utc(created),
                started == null ? null : SqlTimes.utc(started),
                finished == null ? null : SqlTimes.utc(finished));
    }
}
