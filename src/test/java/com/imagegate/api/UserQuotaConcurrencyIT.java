package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.ImagegateApplication;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.WorkspaceOwner;
import com.zaxxer.hikari.HikariDataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The daily credit limit per end user holds under 50 parallel creations for one {@code user}, on one node and on two
 * nodes sharing the database: it is counted inside the accept transaction after the workspace's balance-row lock.
 *
 * <p>As in {@link TestKeyConcurrencyIT}, the race is made certain: a table lock lets {@code image_tasks} be read but not
 * written while the requests arrive. An accept that counted the user's credits before taking the workspace's lock
 * would count 0 and then wait at its insert, so every waiting request would be accepted once the table is released.
 * With the count after the lock, the first request waits at its insert holding the lock and the others wait for it.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=1000",
            "imagegate.generation.sandbox.delay=0ms"
        })
class UserQuotaConcurrencyIT {

    static final int PARALLEL = 50;
    /** Three 1024x1024 images' worth (10 credits each). */
    static final String QUOTA = "30";

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    Environment environment;

    @Test
    void fiftyParallelCreationsForOneUserAcceptExactlyTheQuotaOnOneNode() throws Exception {
        var owner = WorkspaceOwner.signUp(port, "live");
        assertThat(owner.setDailyUserQuota(QUOTA).statusCode()).isEqualTo(302);

        var responses = raceUnderTableLock(i -> new ApiClient(port), owner.secret());

        assertExactlyThreeAccepted(owner, responses);
    }

    @Test
    void fiftyParallelCreationsThroughAKeyWithItsOwnLimitAcceptExactlyTheKeysLimit() throws Exception {
        var owner = WorkspaceOwner.signUp(port, "live");
        // The workspace's default would let alice spend all 100 credits; the key's own limit is three tasks.
        assertThat(owner.setDailyUserQuota("1000").statusCode()).isEqualTo(302);
        String key = owner.newKeyWithUserLimit(QUOTA);

        var responses = raceUnderTableLock(i -> new ApiClient(port), key);

        assertExactlyThreeAccepted(owner, responses);
        responses.stream()
                .filter(r -> r.statusCode() == 429)
                .forEach(r -> assertThat(
                                ApiClient.json(r).path("error").path("message").asString())
                        .contains("with this API key"));
    }

    @Test
    void fiftyParallelCreationsForOneUserAcceptExactlyTheQuotaAcrossTwoNodes() throws Exception {
        var owner = WorkspaceOwner.signUp(port, "live");
        assertThat(owner.setDailyUserQuota(QUOTA).statusCode()).isEqualTo(302);
        // A second node: another application context of its own (pools, JobRunr server, caches) on the same database.
        // Settings as command-line arguments: they win over the profile's files, as the test context's own do.
        Map<String, String> settings = Map.of(
                "server.port", "0",
                "spring.datasource.url", environment.getRequiredProperty("spring.datasource.url"),
                "spring.datasource.username", environment.getRequiredProperty("spring.datasource.username"),
                "spring.datasource.password", environment.getProperty("spring.datasource.password", ""),
                "spring.datasource.hikari.maximum-pool-size", "10",
                "imagegate.storage.filesystem.root",
                        environment.getRequiredProperty("imagegate.storage.filesystem.root"),
                "imagegate.plans.free.requests-per-minute", "1000",
                "imagegate.plans.free.concurrent-tasks", "1000",
                "imagegate.generation.sandbox.delay", "0ms");
        try (var nodeB = new SpringApplicationBuilder(ImagegateApplication.class)
                .profiles("mysql")
                .run(settings.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new))) {
            int portB = Integer.parseInt(nodeB.getEnvironment().getRequiredProperty("local.server.port"));
            assertThat(portB).isNotEqualTo(port);
            var nodeA = new ApiClient(port);
            var onB = new ApiClient(portB);
            // Every other request goes to the other node.
            var responses = raceUnderTableLock(i -> i % 2 == 0 ? nodeA : onB, owner.secret());

            assertExactlyThreeAccepted(owner, responses);
        }
    }

    private List<HttpResponse<String>> raceUnderTableLock(java.util.function.IntFunction<ApiClient> node, String secret)
            throws Exception {
        try (Connection blocker = dataSource.getConnection();
                Connection monitor = dataSource.getConnection()) {
            JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(monitor, true));
            blocker.setAutoCommit(true);
            try (var statement = blocker.createStatement()) {
                statement.execute("lock tables image_tasks read");
            }
            try {
                var racing = CompletableFuture.supplyAsync(() -> Concurrently.run(
                        PARALLEL,
                        i -> node.apply(i)
                                .send(
                                        "POST",
                                        "/api/v1/images/generations",
                                        "Bearer " + secret,
                                        "{\"prompt\":\"race " + i + "\",\"size\":\"1024x1024\",\"user\":\"alice\"}")));
                // Wait until the requests are stuck in the database: at the blocked insert of a task, or waiting for
                // the workspace's balance-row lock (at least as many as this node's pool lets in).
                int inDatabase = Math.min(
                        PARALLEL, dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize() - 2);
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
                return outcomes.stream().map(Concurrently.Outcome::value).toList();
            } finally {
                try (var statement = blocker.createStatement()) {
                    statement.execute("unlock tables"); // never hand a locking connection back to the pool
                }
            }
        }
    }

    private void assertExactlyThreeAccepted(WorkspaceOwner owner, List<HttpResponse<String>> responses) {
        List<HttpResponse<String>> accepted =
                responses.stream().filter(r -> r.statusCode() == 202).toList();
        List<HttpResponse<String>> refused =
                responses.stream().filter(r -> r.statusCode() != 202).toList();
        assertThat(accepted).hasSize(3);
        assertThat(refused).hasSize(PARALLEL - 3).allSatisfy(r -> {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
            var error = ApiClient.json(r).path("error");
            assertThat(error.path("code").asString()).isEqualTo("user_quota_exceeded");
            assertThat(error.path("type").asString()).isEqualTo("insufficient_quota");
            assertThat(error.path("param").asString()).isEqualTo("user");
            assertThat(error.path("message").asString()).contains("30 credits");
            assertThat(r.headers().firstValue("retry-after"))
                    .hasValueSatisfying(
                            seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 86_400L));
        });
        var jdbc = new JdbcTemplate(dataSource);
        String workspace = jdbc.queryForObject(
                "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ?",
                String.class,
                owner.email());
        assertThat(jdbc.queryForObject(
                        "select count(*) from image_tasks where workspace_id = ? and end_user = 'alice'",
                        Integer.class,
                        workspace))
                .isEqualTo(3);
        assertThat(jdbc.queryForObject(
                        "select count(*) from image_tasks where workspace_id = ?", Integer.class, workspace))
                .isEqualTo(3);
        // One reservation per accepted task, each for its 10 credits, and nothing for the refused ones.
        assertThat(jdbc.queryForList(
                        "select e.reference from credit_entry e where e.workspace_id = ? and e.reference like 'reserve:%'",
                        String.class, workspace))
                .hasSize(3)
                .containsExactlyInAnyOrderElementsOf(accepted.stream()
                        .map(r -> "reserve:" + ApiClient.json(r).path("id").asString())
                        .toList());
        // What the API says is left: 100 (the sign-up grant) − 3 × 10, once the tasks have ended or not.
        var account = ApiClient.json(new ApiClient(port).get("/api/v1/account", owner.secret()));
        assertThat(account.path("credits").path("balance").asLong()).isEqualTo(70);
    }
}
