package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.zaxxer.hikari.HikariDataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The plan's concurrent-task limit holds for test keys ({@code ig_test_}: free sandbox tasks that reserve no credits)
 * as it does for live keys, because every accept takes the workspace's balance-row lock before it counts the
 * unfinished tasks.
 *
 * <p>To make the race certain rather than lucky, the test holds a table lock that lets {@code image_tasks} be read but
 * not written while the 20 requests arrive: an accept that counts without the workspace lock counts 0 and then waits
 * at its insert, so without the lock every waiting request is accepted once the table is released. With the lock, the
 * first request waits at its insert holding the workspace's lock and the others wait for that lock, so each counts the
 * tasks committed before it. The sandbox takes 8 s per task, so accepted tasks stay unfinished throughout; the
 * per-minute limit is raised so only the concurrency limit (the free plan's 2) can refuse.
 */
@MariaDbIntegrationTest(
        properties = {"imagegate.generation.sandbox.delay=8s", "imagegate.plans.free.requests-per-minute=100"})
class TestKeyConcurrencyIT {

    /** The free plan's {@code concurrent-tasks} (README: "Free 10 req/min, 2 tasks"). */
    static final int FREE_PLAN_CONCURRENT_TASKS = 2;

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void twentyParallelCreationsWithATestKeyAcceptAtMostThePlansConcurrentTasks() throws Exception {
        assertLimitHolds(ApiUsers.signUpWithKey(port, "test"));
    }

    @Test
    void twentyParallelCreationsWithALiveKeyAcceptAtMostThePlansConcurrentTasks() throws Exception {
        assertLimitHolds(ApiUsers.signUpWithKey(port, "live"));
    }

    private void assertLimitHolds(ApiUsers user) throws Exception {
        var api = new ApiClient(port);
        List<HttpResponse<String>> responses;
        // Both held from the start: the racing requests take every other pooled connection.
        try (Connection blocker = dataSource.getConnection();
                Connection monitor = dataSource.getConnection()) {
            JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(monitor, true));
            blocker.setAutoCommit(true);
            try (var statement = blocker.createStatement()) {
                statement.execute("lock tables image_tasks read");
            }
            try {
                var racing = CompletableFuture.supplyAsync(() -> Concurrently.run(
                        20,
                        i -> api.send(
                                "POST",
                                "/api/v1/images/generations",
                                "Bearer " + user.secret(),
                                "{\"prompt\":\"race " + i + "\",\"size\":\"1024x1024\"}")));
                // Every request that got a pooled connection is in the database and stuck: at the blocked insert of its
                // task, or (holding off its count of unfinished tasks) waiting for the workspace's balance-row lock.
                int inDatabase =
                        Math.min(20, dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize() - 2);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> jdbc.queryForObject(
                                        "select count(*) from information_schema.processlist"
                                                + " where info like 'insert into image_tasks%'"
                                                + " or info like '%credit_account%'",
                                        Integer.class)
                                >= inDatabase);
                try (var statement = blocker.createStatement()) {
                    statement.execute("unlock tables");
                }
                var outcomes = racing.get();
                assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
                responses = outcomes.stream().map(Concurrently.Outcome::value).toList();
            } finally {
                try (var statement = blocker.createStatement()) {
                    statement.execute("unlock tables"); // never hand a locking connection back to the pool
                }
            }
        }

        List<HttpResponse<String>> accepted =
                responses.stream().filter(r -> r.statusCode() == 202).toList();
        List<HttpResponse<String>> refused =
                responses.stream().filter(r -> r.statusCode() != 202).toList();
        assertThat(accepted).hasSize(FREE_PLAN_CONCURRENT_TASKS);
        assertThat(refused).hasSize(20 - FREE_PLAN_CONCURRENT_TASKS).allSatisfy(r -> {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
            var error = ApiClient.json(r).path("error");
            assertThat(error.path("type").asString()).isEqualTo("requests");
            assertThat(error.path("code").asString()).isEqualTo("rate_limit_exceeded");
            assertThat(error.path("message").asString()).contains("unfinished tasks");
            assertThat(r.headers().firstValue("retry-after")).contains("2");
        });
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject(
                                "select count(*) from image_tasks t join workspaces w on w.id = t.workspace_id"
                                        + " join users u on u.id = w.created_by where u.email = ?",
                                Integer.class,
                                user.email()))
                .isEqualTo(FREE_PLAN_CONCURRENT_TASKS);
    }
}
