package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** The sweeper's rules, and the signed file route, against MariaDB (same settings as {@code TaskRecoveryIT}). */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.tasks.local-workers=0",
            "imagegate.generation.tasks.lease=3s",
            "imagegate.generation.sandbox.delay=0ms"
        })
class TaskSweeperIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    TaskSweeper sweeper;

    JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    String create(ApiUsers user, String prompt) {
        return ApiClient.json(new ApiClient(port)
                        .send(
                                "POST",
                                "/api/v1/images/generations",
                                "Bearer " + user.secret(),
                                "{\"prompt\":\"" + prompt + "\"}"))
                .path("id")
                .asString();
    }

    JsonNode task(ApiUsers user, String id) {
        return ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + id, user.secret()));
    }

    static HttpResponse<String> fetch(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTaskStuckPastItsDeadlineIsFailedAndRefundedOnce() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String id = create(user, "stuck forever");
        int held = jdbc().update(
                        "update image_tasks set status = 'PROCESSING', lease_owner = 'hung-node', attempts = 1, started_at = ?,"
                                + " lease_until = ?, callback_url = 'https://hooks.example.invalid/stuck'"
                                + " where id = ? and status = 'PENDING'",
                        Timestamp.from(Instant.now().minus(Duration.ofMinutes(11))),
                        Timestamp.from(Instant.now().plus(Duration.ofHours(1))),
                        id);
        assertThat(held).isEqualTo(1);

        sweeper.failStuck();
        sweeper.failStuck();

        JsonNode failed = task(user, id);
        assertThat(failed.path("status").asString()).isEqualTo("failed");
        assertThat(failed.path("error").path("code").asString()).isEqualTo("timeout");
        assertThat(failed.path("credits_refunded").asBoolean()).isTrue();
        assertThat(ApiClient.json(new ApiClient(port).get("/api/v1/account", user.secret()))
                        .path("credits")
                        .path("balance")
                        .asLong())
                .isEqualTo(100);
        assertThat(jdbc().queryForList(
                                "select task_status from webhook_deliveries where task_id = ?", String.class, id))
                .as("the sweeper's ending is a webhook too, recorded once")
                .containsExactly("FAILED");
    }

    @Test
    void imagesPastTheirRetentionAreDeletedAndTheirLinksAnswerGone() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        String id = create(user, "keep me for a while");
        JsonNode done = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> task(user, id),
                        t -> "succeeded".equals(t.path("status").asString()));
        String url = done.path("data")
                .get(0)
                .path("url")
                .asString()
                .replace("http://localhost:8080", "http://localhost:" + port);
        assertThat(fetch(url).statusCode()).isEqualTo(200);

        assertThat(fetch(url.replaceAll("sig=[^&]+", "sig=forged")).statusCode())
                .as("forged signature")
                .isEqualTo(403);
        assertThat(fetch(url.replaceAll("expires=\\d+", "expires=1")).statusCode())
                .as("expired link")
                .isEqualTo(403);

        jdbc().update(
                        "update task_images set created_at = ? where task_id = ?",
                        Timestamp.from(Instant.now().minus(Duration.ofDays(31))),
                        id);
        assertThat(sweeper.deleteExpiredImages()).isGreaterThanOrEqualTo(1);

        var gone = fetch(url);
        assertThat(gone.statusCode()).isEqualTo(410);
    }

    @Autowired
    com.imagegate.generation.spi.ImageStore store;

    @Autowired
    FileUrls fileUrls;

    @Test
    void partialImagesAreDeletedAQuarterHourAfterTheirTaskEndedAndTheirLinksAreGone() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        String old = create(user, "ended long ago");
        String recent = create(user, "ended just now");
        Instant now = Instant.now();
        for (var ended : java.util.Map.of(
                        old, now.minus(Duration.ofMinutes(16)), recent, now.minus(Duration.ofMinutes(5)))
                .entrySet()) {
            jdbc().update(
                            "update image_tasks set status = 'CANCELED', finished_at = ?, partials = 2 where id = ?",
                            Timestamp.from(ended.getValue()),
                            ended.getKey());
            for (int k = 1; k <= 2; k++) {
                store.put(TaskRunner.partialKey(ended.getKey(), k, "png"), new byte[] {1, 2, 3}, "image/png");
            }
        }
        String link = fileUrls.url(TaskRunner.partialKey(old, 1, "png"), Duration.ofMinutes(10))
                .replace("http://localhost:8080", "http://localhost:" + port);
        assertThat(fetch(link).statusCode()).isEqualTo(200);

        assertThat(sweeper.deleteExpiredPartials()).isGreaterThanOrEqualTo(1);

        for (int k = 1; k <= 2; k++) {
            assertThat(store.open(TaskRunner.partialKey(old, k, "png"))).isEmpty();
            assertThat(store.open(TaskRunner.partialKey(recent, k, "png"))).isPresent();
        }
        assertThat(jdbc().queryForObject("select partials from image_tasks where id = ?", Integer.class, old))
                .isZero();
        assertThat(jdbc().queryForObject("select partials from image_tasks where id = ?", Integer.class, recent))
                .isEqualTo(2);
        assertThat(fetch(link).statusCode()).isEqualTo(410);
        assertThat(sweeper.deleteExpiredPartials())
                .as("nothing left to sweep of it")
                .isZero();
    }
}
