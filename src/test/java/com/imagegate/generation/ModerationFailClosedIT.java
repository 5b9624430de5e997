package com.imagegate.generation;

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
 * With {@code imagegate.protection.moderation.when-unavailable=refuse}, a moderation endpoint that is down refuses
 * creations with 503 {@code moderation_unavailable} on the API and the drop-in: nothing charged, no strike, nothing sent
 * upstream for images; once it answers again, prompts render.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.channels.main.api-key=" + ModerationFailClosedIT.KEY,
            "imagegate.protection.moderation.enabled=true",
            "imagegate.protection.moderation.when-unavailable=refuse"
        })
class ModerationFailClosedIT {

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

    @Test
    void aModerationOutageRefusesCreationsAndChargesNothing() {
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        long entries = entries();
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
        assertThat(new JdbcTemplate(dataSource).queryForObject("select count(*) from content_strikes", Long.class))
                .isZero();
        assertThat(UPSTREAM.requests("fail-closed")).isEmpty();

        var created = api.send(
                "POST",
                "/api/v1/images/generations",
                "Bearer " + user.secret(),
                "{\"prompt\":\"fail-closed meadow healed\",\"size\":\"1024x1024\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    }

    private long entries() {
        return new JdbcTemplate(dataSource).queryForObject("select count(*) from credit_entry", Long.class);
    }
}
