package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A node that dies mid-task: its lease runs out and JobRunr, the durable path, takes the task over on a live node,
 * which renders it and charges once. No local fast start here, so the test controls who holds the task.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.tasks.local-workers=0",
            "imagegate.generation.tasks.lease=3s",
            "imagegate.generation.sandbox.delay=0ms"
        })
class TaskRecoveryIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void aTaskHeldByADeadNodeIsTakenOverAndChargedOnce() {
        var user = ApiUsers.signUpWithKey(port, "live");
        var jdbc = new JdbcTemplate(dataSource);

        JsonNode task = ApiClient.json(new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + user.secret(),
                        "{\"prompt\":\"survive a crash\"}"));
        String id = task.path("id").asString();
        // A node claims the task and dies at once: its lease will run out in 3 s and nobody renews it.
        int claimed = jdbc.update(
                "update image_tasks set status = 'PROCESSING', lease_owner = 'dead-node', attempts = 1,"
                        + " started_at = ?, lease_until = ? where id = ? and status = 'PENDING'",
                Timestamp.from(Instant.now()),
                Timestamp.from(Instant.now().plusSeconds(3)),
                id);
        assertThat(claimed)
                .as("the simulated node got the task before JobRunr's first poll")
                .isEqualTo(1);

        JsonNode done = await().atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + id, user.secret())),
                        t -> "succeeded".equals(t.path("status").asString()));

        assertThat(done.path("data")).hasSize(1);
        assertThat(jdbc.queryForObject("select attempts from image_tasks where id = ?", Integer.class, id))
                .as("claimed by the dead node, then by the one that finished it")
                .isEqualTo(2);
        assertThat(jdbc.queryForObject("select lease_owner from image_tasks where id = ?", String.class, id))
                .isNotEqualTo("dead-node");
        JsonNode account = ApiClient.json(new ApiClient(port).get("/api/v1/account", user.secret()));
        assertThat(account.path("credits").path("balance").asLong()).isEqualTo(90);
    }
}
