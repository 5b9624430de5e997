package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.FakeOpenAiImages;
import com.imagegate.testsupport.FakeOpenAiImages.Step;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every upstream call, through the real task path against a local fake speaking OpenAI's wire format, is recorded at
 * what it cost: delivered images and unusable image data the upstream rendered are billed, errors and refused
 * connections are not, retries and split calls each count, the task carries the sum, and an admin's new price applies
 * from the next call without rewriting recorded ones.
 */
@MariaDbIntegrationTest(
        properties = {
            AdminTesting.BOOTSTRAP_EMAIL,
            AdminTesting.BOOTSTRAP_PASSWORD,
            "imagegate.accounts.signup-credits=1000",
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.channels.main.api-key=" + UpstreamCostIT.KEY,
            "imagegate.generation.openai.channels.dead.api-key=sk-dead",
            "imagegate.generation.openai.channels.dead.base-url=http://127.0.0.1:1/",
            "imagegate.generation.openai.max-attempts=3",
            "imagegate.generation.openai.max-images-per-call=1",
            "imagegate.generation.openai.initial-backoff=20ms",
            "imagegate.generation.openai.max-backoff=50ms",
            "imagegate.generation.cost-currency=EUR"
        })
class UpstreamCostIT {

    static final String KEY = "sk-upstream-cost-1";
    static final FakeOpenAiImages UPSTREAM = FakeOpenAiImages.start(KEY);

    /** The defaults: OpenAI's gpt-image-1 high-quality prices (auto quality is priced as high). */
    static final long SQUARE = 167_000;

    static final long OBLONG = 250_000;

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

    record Call(int part, Integer status, String error, int images, int billed, long cost, String currency) {}

    @Test
    void eachCallIsRecordedAtWhatTheUpstreamBillsAndTheTaskCarriesTheSum() {
        var user = ApiUsers.signUpWithKey(port, "live");

        UPSTREAM.script("cost-retry", Step.error(500, "server_error", "server_error"), Step.ok());
        String retried = AdminTesting.endedTask(port, user.secret(), "cost-retry lighthouse", "1024x1024", 1);
        assertThat(status(retried)).isEqualTo("succeeded");
        assertThat(calls(retried))
                .containsExactly(
                        new Call(0, 500, "upstream_server_error", 0, 0, 0, "EUR"),
                        new Call(0, 200, null, 1, 1, SQUARE, "EUR"));
        assertThat(taskCost(retried)).isEqualTo(SQUARE);

        // Image data we could not use was still rendered (and billed) upstream; the retry is billed again.
        UPSTREAM.script("cost-truncated", Step.truncated(), Step.ok());
        String truncated = AdminTesting.endedTask(port, user.secret(), "cost-truncated harbour", "1536x1024", 1);
        assertThat(status(truncated)).isEqualTo("succeeded");
        assertThat(calls(truncated))
                .containsExactly(
                        new Call(0, 200, "upstream_bad_image", 0, 1, OBLONG, "EUR"),
                        new Call(0, 200, null, 1, 1, OBLONG, "EUR"));
        assertThat(taskCost(truncated)).isEqualTo(2 * OBLONG);

        // A malformed 200, rate limits and a moderation block render nothing: not billed, the task costs 0.
        UPSTREAM.script(
                "cost-refused",
                Step.malformed(),
                Step.error(429, "rate_limit_exceeded", "rate_limit_exceeded"),
                Step.error(429, "rate_limit_exceeded", "rate_limit_exceeded"));
        String refused = AdminTesting.endedTask(port, user.secret(), "cost-refused meadow", "1024x1024", 1);
        assertThat(status(refused)).isEqualTo("failed");
        assertThat(calls(refused))
                .hasSize(3)
                .allSatisfy(call -> assertThat(call.cost()).isZero());
        assertThat(taskCost(refused)).isZero();
        UPSTREAM.script("cost-blocked", Step.moderationBlocked());
        String blocked = AdminTesting.endedTask(port, user.secret(), "cost-blocked meadow", "1024x1024", 1);
        assertThat(calls(blocked)).containsExactly(new Call(0, 400, "content_policy_violation", 0, 0, 0, "EUR"));
        assertThat(taskCost(blocked)).isZero();

        // n = 2 is two calls of one image: each is billed.
        String split = AdminTesting.endedTask(port, user.secret(), "cost-split forest", "1024x1536", 2);
        assertThat(calls(split))
                .extracting(Call::part, Call::cost)
                .containsExactlyInAnyOrder(tuple(0, OBLONG), tuple(1, OBLONG));
        assertThat(taskCost(split)).isEqualTo(2 * OBLONG);

        // The admin's task page shows each call's cost and the sum.
        Http admin = AdminTesting.admin(port);
        assertThat(admin.get("/admin/tasks/" + truncated).body())
                .contains("id=\"task-upstream-cost\">Upstream cost: <strong>0.50 EUR</strong>")
                .contains("0.25 EUR", "(1 image(s) billed by the upstream)");

        // Every task's sum is its calls' sum.
        for (String task : List.of(retried, truncated, refused, blocked, split)) {
            assertThat(taskCost(task))
                    .isEqualTo(calls(task).stream().mapToLong(Call::cost).sum());
        }
    }

    @Test
    void anAdminsNewPriceAppliesFromTheNextCallAndLeavesRecordedCallsAlone() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String before = AdminTesting.endedTask(port, user.secret(), "price-before", "1024x1024", 1);
        long beforeCost = taskCost(before);
        assertThat(beforeCost).isPositive();

        Http admin = AdminTesting.admin(port);
        String page = admin.get("/admin/health/channels/main").body();
        assertThat(page)
                .contains("id=\"cost-currency\">EUR<")
                .contains("name=\"price.1024x1024.auto\"", "name=\"price.3824x2160.high\"");
        String csrf = admin.csrfToken("/admin/health/channels/main");

        // Refusals change nothing: a negative price, too many decimals, no reason, an unknown channel, no CSRF token.
        admin.post(
                "/admin/health/channels/main/prices",
                csrf,
                Map.of("price.1024x1024.auto", "-1", "price.1024x1024.high", "0.3", "reason", "x"));
        assertThat(admin.get("/admin/health/channels/main").body()).contains("1024x1024/auto: Enter a price");
        admin.post(
                "/admin/health/channels/main/prices", csrf, Map.of("price.1024x1024.auto", "0.1234567", "reason", "x"));
        assertThat(admin.get("/admin/health/channels/main").body()).contains("at most six decimals");
        admin.post("/admin/health/channels/main/prices", csrf, Map.of("price.1024x1024.auto", "0.2"));
        assertThat(admin.get("/admin/health/channels/main").body()).contains("Give a reason");
        assertThat(admin.get("/admin/health/channels/nope").statusCode()).isEqualTo(404);
        var noToken = admin.post(
                "/admin/health/channels/main/prices", "wrong", Map.of("price.1024x1024.auto", "9", "reason", "x"));
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(prices("main")).isEmpty();

        var saved = admin.post(
                "/admin/health/channels/main/prices",
                csrf,
                Map.of("price.1024x1024.auto", "0.2", "price.1024x1024.high", "0.167", "reason", "new contract"));
        assertThat(saved.statusCode()).isEqualTo(302);
        assertThat(admin.get("/admin/health/channels/main").body())
                .contains("1 price of channel main changed", "value=\"0.20\"", "set by an admin (default 0.167)");
        assertThat(prices("main")).containsExactly(Map.entry("1024x1024/auto", 200_000L));
        assertThat(admin.get("/admin/audit").body())
                .contains("channel.prices", "EUR 1024x1024/auto 0.167", "EUR 1024x1024/auto 0.20", "new contract");

        String after = AdminTesting.endedTask(port, user.secret(), "price-after", "1024x1024", 1);
        assertThat(taskCost(after)).isEqualTo(200_000);
        assertThat(taskCost(before)).isEqualTo(beforeCost);
        assertThat(calls(before)).extracting(Call::cost).containsExactly(SQUARE);

        admin.post(
                "/admin/health/channels/main/prices",
                csrf,
                Map.of("price.1024x1024.auto", "0.167", "reason", "back to list price"));
        assertThat(taskCost(before)).isEqualTo(beforeCost);
        assertThat(taskCost(after)).isEqualTo(200_000);
    }

    /** A channel that refuses the connection renders nothing: its calls are recorded at no cost. */
    @Test
    void aRefusedConnectionIsNotBilled() {
        Http admin = AdminTesting.admin(port);
        String csrf = admin.csrfToken("/admin/health");
        admin.post("/admin/health/channels/main", csrf, Map.of("enabled", "false", "reason", "cost test"));
        admin.post("/admin/health/channels/dead", csrf, Map.of("enabled", "true", "reason", "cost test"));
        try {
            var user = ApiUsers.signUpWithKey(port, "live");
            String task = AdminTesting.endedTask(port, user.secret(), "refused-connection", "1024x1024", 1);
            assertThat(status(task)).isEqualTo("failed");
            assertThat(calls(task))
                    .hasSize(3)
                    .allSatisfy(call -> assertThat(call)
                            .isEqualTo(new Call(0, null, "upstream_connection_failed", 0, 0, 0, "EUR")));
            assertThat(taskCost(task)).isZero();
        } finally {
            onlyMain();
        }
    }

    private List<Call> calls(String task) {
        return new JdbcTemplate(dataSource)
                .query(
                        "select part, status_code, error_code, images, billed_images, cost_micros, cost_currency"
                                + " from task_attempts where task_id = ? order by started_at, part, attempt",
                        (rs, row) -> new Call(
                                rs.getInt("part"),
                                rs.getObject("status_code") == null ? null : rs.getInt("status_code"),
                                rs.getString("error_code"),
                                rs.getInt("images"),
                                rs.getInt("billed_images"),
                                rs.getLong("cost_micros"),
                                rs.getString("cost_currency")),
                        task);
    }

    private long taskCost(String task) {
        return new JdbcTemplate(dataSource)
                .queryForObject("select upstream_cost_micros from image_tasks where id = ?", Long.class, task);
    }

    private String status(String task) {
        return new JdbcTemplate(dataSource)
                .queryForObject("select status from image_tasks where id = ?", String.class, task)
                .toLowerCase(java.util.Locale.ROOT);
    }

    private Map<String, Long> prices(String channel) {
        var rows = new java.util.LinkedHashMap<String, Long>();
        new JdbcTemplate(dataSource)
                .query(
                        "select size, quality, micros from upstream_channel_prices where channel = ?",
                        rs -> {
                            rows.put(rs.getString("size") + "/" + rs.getString("quality"), rs.getLong("micros"));
                        },
                        channel);
        return rows;
    }

    /** Only {@code main} in service; {@code dead} (nothing listens on its port) is for the refused-connection test. */
    @BeforeEach
    void onlyMain() {
        var jdbc = new JdbcTemplate(dataSource);
        jdbc.update("delete from upstream_channel_switches where name in ('main', 'dead')");
        jdbc.update("insert into upstream_channel_switches (name, enabled, changed_at) values ('dead', false, now(6))");
    }
}
