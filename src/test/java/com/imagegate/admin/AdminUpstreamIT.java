package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.FakeOpenAiImages;
import com.imagegate.testsupport.FakeOpenAiImages.Step;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With an OpenAI-compatible upstream (a local fake speaking its wire format), the task page shows each provider call
 * with its status code, and the health page lists the channel and disables and enables it with an audit entry.
 */
@MariaDbIntegrationTest(
        properties = {
            AdminTesting.BOOTSTRAP_EMAIL,
            AdminTesting.BOOTSTRAP_PASSWORD,
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.channels.main.api-key=" + AdminUpstreamIT.KEY,
            "imagegate.generation.openai.max-attempts=3",
            "imagegate.generation.openai.initial-backoff=50ms",
            "imagegate.generation.openai.max-backoff=100ms"
        })
class AdminUpstreamIT {

    static final String KEY = "sk-admin-console-1";
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

    @Test
    void taskTimelineShowsProviderCallsAndHealthSwitchesTheChannel() {
        UPSTREAM.script("flaky-once", Step.error(500, "server_error", "server_error"), Step.ok());
        var user = ApiUsers.signUpWithKey(port, "live");
        String task = AdminTesting.endedTask(port, user.secret(), "flaky-once lighthouse", "1024x1024", 1);
        Http admin = AdminTesting.admin(port);

        String page = admin.get("/admin/tasks/" + task).body();
        assertThat(page).contains("id=\"task-status\">succeeded<", "HTTP 500", "HTTP 200", "on <span>main</span>");

        String health = admin.get("/admin/health").body();
        assertThat(health).contains("id=\"channels\"", "<td>main</td>", "ACTIVE");

        String csrf = admin.csrfToken("/admin/health");
        admin.post("/admin/health/channels/main", csrf, Map.of("enabled", "false", "reason", "provider incident"));
        assertThat(admin.get("/admin/health").body()).contains("DISABLED");
        admin.post("/admin/health/channels/nope", csrf, Map.of("enabled", "false", "reason", "x"));
        assertThat(admin.get("/admin/health").body()).contains("There is no channel nope");
        admin.post("/admin/health/channels/main", csrf, Map.of("enabled", "true", "reason", "incident over"));
        assertThat(admin.get("/admin/health").body()).doesNotContain("DISABLED");
        assertThat(admin.get("/admin/audit").body())
                .contains("channel.disable", "provider incident", "channel.enable", "incident over");
    }

    /**
     * The health page's "all nodes" table counts the calls every node recorded in the last hour: calls made by another
     * node (written straight into {@code task_attempts}, as that node would) show next to this node's own, and calls
     * older than an hour do not.
     */
    @Test
    void healthCountsEveryNodesCallsOfTheLastHour() {
        Http admin = AdminTesting.admin(port);
        long[] before = traffic(admin.get("/admin/health").body(), "main");
        Instant now = Instant.now();
        // Another node: on main two failures and two successes; on a channel this node no longer has, three calls.
        recordElsewhere("main", 500, "upstream_error", 0, now.minusSeconds(300), 900);
        recordElsewhere("main", 429, "upstream_rate_limited", 0, now.minusSeconds(200), 40);
        recordElsewhere("main", 200, null, 1, now.minusSeconds(100), 2000);
        recordElsewhere("main", 200, null, 1, now.minusSeconds(50), 2500);
        recordElsewhere("retired-eu", 200, null, 1, now.minusSeconds(600), 100);
        recordElsewhere("retired-eu", 200, null, 1, now.minusSeconds(500), 300);
        recordElsewhere("retired-eu", 503, "upstream_error", 0, now.minusSeconds(400), 50);
        recordElsewhere("retired-eu", 200, null, 1, now.minus(Duration.ofHours(2)), 9000);
        // And this node: one call that delivers.
        var user = ApiUsers.signUpWithKey(port, "live");
        AdminTesting.endedTask(port, user.secret(), "a counted lighthouse", "1024x1024", 1);

        String health = admin.get("/admin/health").body();
        long[] after = traffic(health, "main");
        assertThat(after[0] - before[0]).as("calls on main").isEqualTo(5);
        assertThat(after[1] - before[1]).as("successes on main").isEqualTo(3);
        String retired = row(health, "retired-eu");
        assertThat(retired)
                .contains("<td>3</td>", "66.7% (2/3)", "100 ms", "300 ms")
                .doesNotContain("9000");
    }

    private void recordElsewhere(
            String channel, int status, String errorCode, int images, Instant startedAt, long durationMs) {
        new JdbcTemplate(dataSource)
                .update(
                        "insert into task_attempts (id, task_id, part, attempt, channel, endpoint, status_code,"
                                + " error_code, images, started_at, duration_ms)"
                                + " values (?, ?, 0, 1, ?, 'generations', ?, ?, ?, ?, ?)",
                        "att_elsewhere_" + UUID.randomUUID().toString().substring(0, 20),
                        "task_elsewhere",
                        channel,
                        status,
                        errorCode,
                        images,
                        LocalDateTime.ofInstant(startedAt.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC),
                        durationMs);
    }

    /** Calls and successes in a channel's row of the "all nodes" table, e.g. {@code 66.7% (2/3)}. */
    private static long[] traffic(String health, String channel) {
        Matcher counts = Pattern.compile("\\((\\d+)/(\\d+)\\)").matcher(row(health, channel));
        assertThat(counts.find()).as(row(health, channel)).isTrue();
        return new long[] {Long.parseLong(counts.group(2)), Long.parseLong(counts.group(1))};
    }

    private static String row(String health, String channel) {
        Matcher row = Pattern.compile("<tr id=\"traffic-" + Pattern.quote(channel) + "\">(.*?)</tr>", Pattern.DOTALL)
                .matcher(health);
        assertThat(row.find()).as("a row for " + channel).isTrue();
        return row.group(1);
    }
}
