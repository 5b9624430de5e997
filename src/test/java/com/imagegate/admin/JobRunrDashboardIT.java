package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jobrunr.dashboard.JobRunrDashboardWebServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * JobRunr's dashboard behind the admin sign-in: its page, scripts, API and event streams under {@code /admin/jobrunr},
 * answered by JobRunr's own handlers in this process (JobRunr's web server never starts); changes made there need
 * the browser's same-origin word instead of a CSRF token, land in the audit log, and a render job requeued there
 * does not charge a task twice.
 */
@MariaDbIntegrationTest(
        properties = {AdminTesting.BOOTSTRAP_EMAIL, AdminTesting.BOOTSTRAP_PASSWORD, AdminTesting.FAST_SANDBOX})
class JobRunrDashboardIT {

    private static final Pattern NONCE = Pattern.compile("nonce=\"([^\"]+)\"");
    private static final Pattern INDEX_SCRIPT =
            Pattern.compile("src=\"(/admin/jobrunr/dashboard/static/js/index[^\"]+)\"");
    private static final Map<String, String> SAME_ORIGIN = Map.of("Sec-Fetch-Site", "same-origin");

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void jobRunrsOwnWebServerNeverStarts() {
        assertThat(context.getBeanProvider(JobRunrDashboardWebServer.class).getIfAvailable())
                .isNull();
    }

    @Test
    void anAdminGetsThePageWithItsPathsMovedAndItsScriptsByNonce() {
        Http admin = AdminTesting.admin(port);
        var home = admin.get("/admin/jobrunr");
        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(home.headers().firstValue("Location").orElseThrow()).endsWith("/admin/jobrunr/dashboard/overview");

        // Any route of the single-page app gets the page.
        var page = admin.get("/admin/jobrunr/dashboard/jobs");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).doesNotContain("%CSP_NONCE%", "\"/dashboard");
        Matcher nonce = NONCE.matcher(page.body());
        assertThat(nonce.find()).isTrue();
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy)
                .contains("script-src 'nonce-" + nonce.group(1) + "'", "connect-src 'self'", "frame-ancestors 'none'");
        // A new nonce for each page.
        assertThat(admin.get("/admin/jobrunr/dashboard/overview").body()).doesNotContain(nonce.group(1));

        Matcher script = INDEX_SCRIPT.matcher(page.body());
        assertThat(script.find()).as(page.body()).isTrue();
        var js = admin.get(script.group(1));
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
        assertThat(js.body())
                .contains("\"/admin/jobrunr/api/jobs", "\"/admin/jobrunr/sse/jobstats", "\"/admin/jobrunr/dashboard/")
                .doesNotContain("\"/api/", "\"/sse/", "\"/dashboard");

        // Its API answers: this node is one of the background job servers.
        var servers = admin.get("/admin/jobrunr/api/servers");
        assertThat(servers.statusCode()).as(servers.body()).isEqualTo(200);
        JsonNode list = ApiClient.json(servers);
        assertThat(list.isArray()).isTrue();
        assertThat(list.size()).isPositive();
        assertThat(list.get(0).has("workerPoolSize")).isTrue();
        assertThat(servers.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");

        // A job that is not there is JobRunr's 404, not a stack trace.
        var missing = admin.get("/admin/jobrunr/api/jobs/" + UUID.randomUUID());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).doesNotContain("at org.jobrunr");
    }

    @Test
    void theEventStreamSendsJobStatistics() throws Exception {
        Http admin = AdminTesting.admin(port);
        var stream = admin.lines("/admin/jobrunr/sse/jobstats");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        String data = CompletableFuture.supplyAsync(() -> stream.body()
                        .filter(line -> line.startsWith("data:"))
                        .findFirst()
                        .orElseThrow())
                .get(30, TimeUnit.SECONDS);
        assertThat(data).contains("\"enqueued\"", "\"succeeded\"");
        stream.body().close();
    }

    @Test
    void aRequeueNeedsTheSameOriginIsAuditedAndDoesNotChargeTwice() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String taskId = AdminTesting.endedTask(port, user.secret(), "a requeued harbour", "1024x1024", 1);
        long balance = AdminTesting.balance(port, user.secret());
        Http admin = AdminTesting.admin(port);
        String jobId = succeededJobOf(admin, taskId);
        String requeue = "/admin/jobrunr/api/jobs/" + jobId + "/requeue";

        // Without the browser's word that the call comes from our page, it needs a CSRF token it does not have.
        assertThat(admin.call("POST", requeue, Map.of()).statusCode()).isEqualTo(403);
        assertThat(admin.call("POST", requeue, Map.of("Sec-Fetch-Site", "cross-site"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(admin.call("POST", requeue, Map.of("Sec-Fetch-Site", "same-site"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(auditLines(admin)).doesNotContain(jobId);
        // A signed-in user who is not an admin is refused even with it.
        Http member = AdminTesting.signedIn(port, user.email(), "a-good-password");
        assertThat(member.call("POST", requeue, SAME_ORIGIN).statusCode()).isEqualTo(403);

        assertThat(admin.call("POST", requeue, SAME_ORIGIN).statusCode()).isEqualTo(204);
        String audit = auditLines(admin);
        assertThat(audit).contains("jobrunr.job.requeue", jobId, AdminTesting.ADMIN_EMAIL);

        // The job runs again and succeeds; the task it renders had ended, so nothing is rendered or charged again.
        awaitJobState(admin, jobId, "SUCCEEDED", 2);
        assertThat(AdminTesting.balance(port, user.secret())).isEqualTo(balance);
        var task = new ApiClient(port).get("/api/v1/images/tasks/" + taskId, user.secret());
        assertThat(ApiClient.json(task).at("/status").asString()).isEqualTo("succeeded");
        assertThat(ApiClient.json(task).at("/data").size()).isEqualTo(1);
        assertThat(ApiClient.json(task).at("/credits").asLong()).as(task.body()).isPositive();
    }

    /** The JobRunr job that rendered this task, once JobRunr has run it (its poll is 5 s). */
    private static String succeededJobOf(Http admin, String taskId) {
        return await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            var jobs = admin.get(
                                    "/admin/jobrunr/api/jobs?state=SUCCEEDED&offset=0&limit=100&order=updatedAt:DESC");
                            assertThat(jobs.statusCode()).as(jobs.body()).isEqualTo(200);
                            for (JsonNode job : ApiClient.json(jobs).at("/items")) {
                                if (job.toString().contains(taskId)) {
                                    return job.at("/id").asString();
                                }
                            }
                            return null;
                        },
                        Objects::nonNull);
    }

    /** Waits until the job's history holds {@code state} at least {@code times} times. */
    private static void awaitJobState(Http admin, String jobId, String state, int times) {
        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    var job = admin.get("/admin/jobrunr/api/jobs/" + jobId);
                    long reached = 0;
                    for (JsonNode entry : ApiClient.json(job).at("/jobHistory")) {
                        if (entry.at("/state").asString().equals(state)) {
                            reached++;
                        }
                    }
                    assertThat(reached).as(job.body()).isGreaterThanOrEqualTo(times);
                });
    }

    private static String auditLines(Http admin) {
        return admin.get("/admin/audit").body();
    }
}
