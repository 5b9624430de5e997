package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.FakeOpenAiImages;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The content policy's other settings, and a pause meeting a queued task. With {@code
 * imagegate.protection.moderation.when-unavailable=refuse}, a moderation endpoint that is down refuses creations with
 * 503 {@code moderation_unavailable} on the API and the drop-in: nothing charged, no strike, nothing sent upstream for
 * images. With one strike a day, a task accepted before its workspace is paused never reaches the upstream: it fails
 * with {@code workspace_paused} when it would start, and its credits are released. Tasks are only started by the test
 * here (no local workers, no JobRunr server), as a node's worker or JobRunr job would.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.channels.main.api-key=" + ContentPolicyOptionsIT.KEY,
            "imagegate.protection.moderation.enabled=true",
            "imagegate.protection.moderation.when-unavailable=refuse",
            "imagegate.protection.strikes-per-day=1",
            "imagegate.generation.tasks.local-workers=0",
            "jobrunr.background-job-server.enabled=false"
        })
class ContentPolicyOptionsIT {

    static final String KEY = "sk-fail-closed-1";
    static final FakeOpenAiImages UPSTREAM = FakeOpenAiImages.start(KEY);

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("imagegate.generation.openai.channels.main.base-url", () -> UPSTREAM.baseUrl() + "/");
    }

    @AfterAll
    static void stop() {
        UPSTREAM.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    TaskRunner runner;

    @Test
    void aModerationOutageRefusesCreationsAndChargesNothing() {
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        long entries = entries();
        long strikes = strikes();
        UPSTREAM.moderationDown(500);
        try {
            var refused = api.send(
                    "POST",
                    "/api/v1/images/generations",
                    "Bearer " + user.secret(),
                    "{\"prompt\":\"fail-closed meadow\",\"size\":\"1024x1024\"}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(ApiClient.json(refused).at("/error/code").asString()).isEqualTo("moderation_unavailable");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            var dropIn = api.send(
                    "POST",
                    "/v1/images/generations",
                    "Bearer " + user.secret(),
                    "{\"prompt\":\"fail-closed meadow\",\"size\":\"1024x1024\"}");
            assertThat(dropIn.statusCode()).as(dropIn.body()).isEqualTo(503);
            assertThat(ApiClient.json(dropIn).at("/error/code").asString()).isEqualTo("moderation_unavailable");
        } finally {
            UPSTREAM.moderationDown(0);
        }
        assertThat(entries()).as("no ledger entry").isEqualTo(entries);
        assertThat(strikes()).as("no strike").isEqualTo(strikes);
        assertThat(UPSTREAM.requests("fail-closed")).isEmpty();

        var created = api.send(
                "POST",
                "/api/v1/images/generations",
                "Bearer " + user.secret(),
                "{\"prompt\":\"fail-closed meadow healed\",\"size\":\"1024x1024\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    }

    @Test
    void aTaskQueuedBeforeThePauseFailsUnstartedAndIsRefunded() {
        UPSTREAM.flag("queue-flag", "hate");
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        long before = balance(api, user);
        var queued = api.send(
                "POST",
                "/api/v1/images/generations",
                "Bearer " + user.secret(),
                "{\"prompt\":\"queued-before-pause meadow\",\"size\":\"1024x1024\"}");
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
        String id = ApiClient.json(queued).at("/id").asString();
        assertThat(balance(api, user)).as("reserved").isLessThan(before);

        var flagged = api.send(
                "POST",
                "/api/v1/images/generations",
                "Bearer " + user.secret(),
                "{\"prompt\":\"queue-flag\",\"size\":\"1024x1024\"}");
        assertThat(ApiClient.json(flagged).at("/error/message").asString()).contains("now paused");

        assertThat(runner.runIfClaimable(id)).isNull();
        var task = ApiClient.json(api.get("/api/v1/images/tasks/" + id, user.secret()));
        assertThat(task.at("/status").asString()).isEqualTo("failed");
        assertThat(task.at("/error/code").asString()).isEqualTo("workspace_paused");
        assertThat(balance(api, user)).as("released").isEqualTo(before);
        assertThat(UPSTREAM.requests("queued-before-pause"))
                .as("never sent upstream")
                .isEmpty();
    }

    private static long balance(ApiClient api, ApiUsers user) {
        return ApiClient.json(api.get("/api/v1/account", user.secret()))
                .at("/credits/balance")
                .asLong();
    }

    private long strikes() {
        return new JdbcTemplate(dataSource).queryForObject("select count(*) from content_strikes", Long.class);
    }

    private long entries() {
        return new JdbcTemplate(dataSource).queryForObject("select count(*) from credit_entry", Long.class);
    }
}
