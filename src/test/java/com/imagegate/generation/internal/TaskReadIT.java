package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.TaskView;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A poll reads its task with one plain SQL statement ({@link TaskViews#read}); the task list and the accept answer
 * still go through JPA ({@link TaskViews#view(Task)}). Both must show a task the same way in every state, and the SQL
 * read must keep tenants apart. Same settings as {@code TaskSweeperIT}, so the two share one application context.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.tasks.local-workers=0",
            "imagegate.generation.tasks.lease=3s",
            "imagegate.generation.sandbox.delay=0ms"
        })
class TaskReadIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    TaskViews views;

    @Autowired
    Tasks tasks;

    @Autowired
    FileUrls fileUrls;

    @Test
    void thePollsSqlReadShowsATaskAsTheEntityDoesInEveryState() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String succeeded =
                create(user, "{\"prompt\":\"two lighthouses\",\"n\":2,\"size\":\"1536x1024\",\"user\":\"u-7\"}");
        String failed = create(user, "{\"prompt\":\"please [[fail]]\"}");
        // The free plan runs two tasks at once.
        awaitStatus(user, succeeded, "succeeded");
        awaitStatus(user, failed, "failed");
        String canceled = create(user, "{\"prompt\":\"cancel me\",\"quality\":\"high\",\"output_format\":\"webp\"}");
        assertThat(new ApiClient(port)
                        .send("POST", "/api/v1/images/tasks/" + canceled + "/cancel", "Bearer " + user.secret(), null)
                        .statusCode())
                .isEqualTo(200);
        // Held by another node under a live lease: this node leaves it alone, so it stays processing.
        String processing = create(user, "{\"prompt\":\"held elsewhere\"}");
        int held = jdbc().update(
                        "update image_tasks set status = 'PROCESSING', lease_owner = 'elsewhere', attempts = 1,"
                                + " started_at = ?, lease_until = ? where id = ? and status = 'PENDING'",
                        Timestamp.from(Instant.now()),
                        Timestamp.from(Instant.now().plus(Duration.ofHours(1))),
                        processing);
        assertThat(held).isEqualTo(1);
        String workspace = workspaceOf(succeeded);

        for (String id : List.of(succeeded, failed, canceled, processing)) {
            TaskView read = views.read(workspace, id).orElseThrow();
            TaskView entity =
                    views.view(tasks.findByIdAndWorkspaceId(id, workspace).orElseThrow());
            assertThat(withoutLinkExpiry(read)).as(id).isEqualTo(withoutLinkExpiry(entity));
            read.images()
                    .forEach(image ->
                            assertThat(signed(image.url())).as(image.url()).isTrue());
        }
        TaskView done = views.read(workspace, succeeded).orElseThrow();
        assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(done.images()).hasSize(2).allSatisfy(image -> {
            assertThat(image.width()).isEqualTo(1536);
            assertThat(image.height()).isEqualTo(1024);
        });
        assertThat(done.images().get(0).url()).isNotEqualTo(done.images().get(1).url());
        assertThat(done.user()).isEqualTo("u-7");
        assertThat(done.creditsCaptured()).isPositive();
        TaskView refused = views.read(workspace, failed).orElseThrow();
        assertThat(refused.error()).isNotNull();
        assertThat(refused.images()).isEmpty();
        assertThat(refused.creditsRefunded()).isTrue();
        assertThat(views.read(workspace, processing).orElseThrow().finishedAt()).isNull();
    }

    @Test
    void anotherWorkspacesTaskOrAnUnknownIdIsNotFound() {
        var owner = ApiUsers.signUpWithKey(port, "live");
        var other = ApiUsers.signUpWithKey(port, "live");
        String id = create(owner, "{\"prompt\":\"mine only\"}");
        String otherWorkspace = workspaceOf(create(other, "{\"prompt\":\"theirs\"}"));

        assertThat(views.read(otherWorkspace, id)).isEmpty();
        assertThat(views.read(workspaceOf(id), "task_doesnotexist")).isEmpty();
        assertThat(views.read(workspaceOf(id), id)).isPresent();
        var answer = new ApiClient(port).get("/api/v1/images/tasks/" + id, other.secret());
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(ApiClient.json(answer).at("/error/code").asString()).isEqualTo("not_found");
    }

    private String create(ApiUsers user, String body) {
        var answer = new ApiClient(port).send("POST", "/api/v1/images/generations", "Bearer " + user.secret(), body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return ApiClient.json(answer).path("id").asString();
    }

    private void awaitStatus(ApiUsers user, String id, String status) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + id, user.secret()))
                                .path("status")
                                .asString(),
                        status::equals);
    }

    private String workspaceOf(String taskId) {
        return jdbc().queryForObject("select workspace_id from image_tasks where id = ?", String.class, taskId);
    }

    private JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    /** Two reads a second apart sign links with different expiries; everything else must be equal. */
    private static TaskView withoutLinkExpiry(TaskView view) {
        var images = view.images().stream()
                .map(i -> new TaskView.Image(URI.create(i.url()).getPath(), i.width(), i.height()))
                .toList();
        return new TaskView(
                view.id(),
                view.status(),
                view.model(),
                view.createdAt(),
                view.credits(),
                view.n(),
                view.size(),
                view.quality(),
                view.outputFormat(),
                view.user(),
                images,
                view.error(),
                view.creditsRefunded(),
                view.creditsCaptured(),
                view.startedAt(),
                view.finishedAt(),
                view.kind(),
                view.prompt(),
                null);
    }

    private boolean signed(String url) {
        var parts = UriComponentsBuilder.fromUriString(url).build();
        String key = parts.getPath().substring("/files/".length());
        return fileUrls.verify(
                key,
                Long.parseLong(parts.getQueryParams().getFirst("expires")),
                parts.getQueryParams().getFirst("sig"));
    }
}
