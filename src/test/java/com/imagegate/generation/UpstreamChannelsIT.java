package com.imagegate.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import com.imagegate.credits.Credits;
import com.imagegate.credits.EntryKind;
import com.imagegate.credits.HistoryQuery;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.FakeOpenAiImages;
import com.imagegate.testsupport.FakeOpenAiImages.Step;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Several upstream channels ({@code imagegate.generation.openai.channels.<name>.*}): a preferred one (priority 10) and a
 * backup (priority 0, with its own model name), each a local fake of the OpenAI Images API with its own key. Two
 * consecutive failures cool a channel down for 3 s.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.channels.primary.api-key=" + UpstreamChannelsIT.PRIMARY_KEY,
            "imagegate.generation.openai.channels.primary.priority=10",
            "imagegate.generation.openai.channels.backup.api-key=" + UpstreamChannelsIT.BACKUP_KEY,
            "imagegate.generation.openai.channels.backup.model=gpt-image-2",
            "imagegate.generation.openai.failure-threshold=2",
            "imagegate.generation.openai.cool-down=3s",
            "imagegate.generation.openai.max-attempts=3",
            "imagegate.generation.openai.initial-backoff=100ms",
            "imagegate.generation.openai.max-backoff=200ms",
            "imagegate.generation.openai.deadline=20s",
            "imagegate.plans.free.requests-per-minute=100"
        })
class UpstreamChannelsIT {

    static final String PRIMARY_KEY = "sk-primary-31b6";
    static final String BACKUP_KEY = "sk-backup-77c2";
    static final FakeOpenAiImages PRIMARY = FakeOpenAiImages.start(PRIMARY_KEY);
    static final FakeOpenAiImages BACKUP = FakeOpenAiImages.start(BACKUP_KEY);

    /** Only the base URLs come from here: a channel's settings merge across property sources. */
    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("imagegate.generation.openai.channels.primary.base-url", () -> PRIMARY.baseUrl() + "/");
        // Written the way OpenAI SDKs spell base URLs (with /v1): no second /v1 is added.
        registry.add("imagegate.generation.openai.channels.backup.base-url", () -> BACKUP.baseUrl() + "/v1");
    }

    @AfterAll
    static void stop() {
        PRIMARY.close();
        BACKUP.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    UpstreamChannels channels;

    @Autowired
    Credits credits;

    @Autowired
    DataSource dataSource;

    JsonNode run(ApiUsers user, String prompt) {
        var created = new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + user.secret(),
                        "{\"prompt\":\"" + prompt + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = ApiClient.json(created).path("id").asString();
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + id, user.secret())),
                        t -> !List.of("pending", "processing")
                                .contains(t.path("status").asString()));
    }

    long balance(ApiUsers user) {
        return ApiClient.json(new ApiClient(port).get("/api/v1/account", user.secret()))
                .path("credits")
                .path("balance")
                .asLong();
    }

    ChannelHealth health(String name) {
        return channels.channels().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theChannelsAreListedHighestPriorityFirstWithTheirModels() {
        assertThat(channels.channels())
                .extracting(ChannelHealth::name, ChannelHealth::priority, ChannelHealth::model)
                .containsExactly(
                        Tuple.tuple("primary", 10, "gpt-image-2-2026-04-21"), Tuple.tuple("backup", 0, "gpt-image-2"));
    }

    @Test
    void aFailingChannelIsBackedUpThenCoolsDownAndComesBackByItself() {
        var user = ApiUsers.signUpWithKey(port, "live");
        PRIMARY.script("cool", Step.error(503, "server_error", null));

        // Each failure on the preferred channel is retried at once on the backup.
        for (String prompt : List.of("cool-1", "cool-2")) {
            JsonNode done = run(user, prompt);
            assertThat(done.path("status").asString()).isEqualTo("succeeded");
            assertThat(PRIMARY.requests(prompt))
                    .extracting(FakeOpenAiImages.Seen::status)
                    .containsExactly(503);
            assertThat(BACKUP.requests(prompt))
                    .extracting(FakeOpenAiImages.Seen::status)
                    .containsExactly(200);
            assertThat(channels.attempts(done.path("id").asString()))
                    .extracting(ProviderAttempt::channel, ProviderAttempt::errorCode)
                    .containsExactly(Tuple.tuple("primary", "upstream_server_error"), Tuple.tuple("backup", null));
        }
        assertThat(BACKUP.requests("cool-1").getFirst().fields()).containsEntry("model", "gpt-image-2");

        // Two consecutive failures: the preferred channel is left out for the cool-down.
        ChannelHealth cooling = health("primary");
        assertThat(cooling.state()).isEqualTo(ChannelHealth.State.COOLING_DOWN);
        assertThat(cooling.cooledDownUntil()).isNotNull();
        assertThat(cooling.lastError()).isEqualTo("upstream_server_error (HTTP 503)");
        assertThat(cooling.consecutiveFailures()).isEqualTo(2);
        assertThat(run(user, "cool-3").path("status").asString()).isEqualTo("succeeded");
        assertThat(PRIMARY.requests("cool-3")).isEmpty();
        assertThat(BACKUP.requests("cool-3")).hasSize(1);
        ChannelHealth backup = health("backup");
        assertThat(backup.state()).isEqualTo(ChannelHealth.State.ACTIVE);
        assertThat(backup.successes()).isGreaterThanOrEqualTo(3);
        assertThat(backup.latencyP50()).isNotNull();
        assertThat(backup.latencyP95()).isGreaterThanOrEqualTo(backup.latencyP50());

        // Repaired upstream: after the cool-down the channel is back by itself and preferred again.
        PRIMARY.script("cool", Step.ok());
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> health("primary").state() == ChannelHealth.State.ACTIVE);
        assertThat(run(user, "cool-4").path("status").asString()).isEqualTo("succeeded");
        assertThat(PRIMARY.requests("cool-4"))
                .extracting(FakeOpenAiImages.Seen::status)
                .containsExactly(200);
        assertThat(BACKUP.requests("cool-4")).isEmpty();
        assertThat(health("primary").consecutiveFailures()).isZero();
        assertThat(balance(user)).isEqualTo(60);
    }

    @Test
    void anAdminCanTakeChannelsOutOfServiceAndPutThemBack() {
        var user = ApiUsers.signUpWithKey(port, "live");
        try {
            assertThat(channels.setEnabled("primary", false).state()).isEqualTo(ChannelHealth.State.DISABLED);
            assertThat(health("primary").state()).isEqualTo(ChannelHealth.State.DISABLED);

            assertThat(run(user, "switch-1").path("status").asString()).isEqualTo("succeeded");
            assertThat(PRIMARY.requests("switch-1")).isEmpty();
            assertThat(BACKUP.requests("switch-1")).hasSize(1);

            channels.setEnabled("backup", false);
            JsonNode failed = run(user, "switch-2");
            assertThat(failed.path("status").asString()).isEqualTo("failed");
            assertThat(failed.path("error").path("code").asString()).isEqualTo("upstream_unavailable");
            assertThat(failed.path("credits_refunded").asBoolean()).isTrue();
            assertThat(PRIMARY.requests("switch-2")).isEmpty();
            assertThat(BACKUP.requests("switch-2")).isEmpty();
            assertThat(balance(user)).isEqualTo(90);
            String workspace = new JdbcTemplate(dataSource)
                    .queryForObject(
                            "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ?"
                                    + " and w.personal = true",
                            String.class,
                            user.email());
            assertThat(credits.history(new HistoryQuery(workspace, Set.of(EntryKind.RELEASE), null, null, null, 50))
                            .entries())
                    .hasSize(1);

            channels.setEnabled("primary", true);
            assertThat(run(user, "switch-3").path("status").asString()).isEqualTo("succeeded");
            assertThat(PRIMARY.requests("switch-3")).hasSize(1);
            assertThat(balance(user)).isEqualTo(80);
        } finally {
            channels.setEnabled("primary", true);
            channels.setEnabled("backup", true);
        }
        assertThatIllegalArgumentException().isThrownBy(() -> channels.setEnabled("nope", false));
    }
}
