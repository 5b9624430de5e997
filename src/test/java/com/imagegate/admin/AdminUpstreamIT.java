package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.FakeOpenAiImages;
import com.imagegate.testsupport.FakeOpenAiImages.Step;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
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
}
