package com.imagegate.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Tasks of one workspace end (succeed, fail, are canceled) while new ones are accepted in that workspace. Acceptance
 * takes the workspace's balance lock and then inserts a task row; an ending that updated its task row first and then
 * asked for the balance lock (to capture or release) deadlocked against such an insert on MariaDB (the update's
 * next-key lock on the task's old status entry blocks the insert's gap), and the deadlock's loser was re-run by JobRunr
 * a render later (a second attempt, seconds of delay; seen in {@code WorkspaceEventsIT}). Endings now take the balance
 * lock first, so every task here runs once.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.prices.standard=1",
            "imagegate.generation.sandbox.delay=20ms",
            "imagegate.plans.free.requests-per-minute=10000",
            "imagegate.plans.free.concurrent-tasks=10000"
        })
class EndingWhileAcceptingIT {

    static final int TASKS = 90;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void tasksEndingWhileOthersAreAcceptedInTheSameWorkspaceEachRunOnceAndTheLedgerAgrees() {
        ApiUsers user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        // Every third task fails in the sandbox, so captures and releases both race the accepts.
        var outcomes = Concurrently.run(
                TASKS,
                i -> api.send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + user.secret(),
                        "{\"prompt\":\"" + (i % 3 == 0 ? "[[fail]] " : "") + "race " + i
                                + "\",\"size\":\"1024x1024\"}"));
        assertThat(outcomes)
                .allSatisfy(o ->
                        assertThat(o.value().statusCode()).as(o.value().body()).isEqualTo(202));
        String workspace = jdbc.queryForObject(
                "select workspace_id from image_tasks where id = ?",
                String.class,
                ApiClient.json(outcomes.getFirst().value()).path("id").asString());

        await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> jdbc.queryForObject(
                                "select count(*) from image_tasks where workspace_id = ?"
                                        + " and status in ('SUCCEEDED', 'FAILED')",
                                Integer.class,
                                workspace),
                        n -> n == TASKS);

        List<Map<String, Object>> reruns = jdbc.queryForList(
                "select id, attempts from image_tasks where workspace_id = ? and attempts <> 1", workspace);
        assertThat(reruns)
                .as("tasks that needed a second run (a deadlocked ending)")
                .isEmpty();
        assertThat(jdbc.queryForObject(
                        "select count(*) from image_tasks where workspace_id = ? and status = 'FAILED'",
                        Integer.class,
                        workspace))
                .isEqualTo(TASKS / 3);
        // Each succeeded task took its one credit; each failed one gave it back: 100 - 60.
        assertThat(jdbc.queryForObject(
                        "select spendable from credit_account where workspace_id = ?", Long.class, workspace))
                .isEqualTo(100L - (TASKS - TASKS / 3));
    }
}
