package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.ImagegateApplication;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An API key's budget holds under concurrency: 50 creations at once, over real HTTP, with a key whose budget allows
 * exactly 5 tasks, accept exactly 5, on one node and on two nodes sharing one database. The workspace's balance allows
 * all 50 (a task costs 2 credits here, the sign-up grant is 100) and the plan's limits are raised, so only the budget
 * can refuse: the check runs under the workspace's balance-row lock, which both nodes take in the database.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.prices.standard=2",
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=100"
        })
class KeyBudgetConcurrencyIT {

    static final String PRICE_PROPERTY = "imagegate.generation.prices.standard";
    static final int PRICE = 2;
    static final int REQUESTS = 50;
    static final int BUDGET_TASKS = 5;
    static final Pattern SECRET = Pattern.compile("ig_live_[0-9A-Za-z]{43}");

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    Environment environment;

    @Test
    void fiftyParallelCreationsOnOneNodeAcceptExactlyTheFiveTasksTheWeeklyBudgetAllows() {
        String secret = signUpWithBudget("week");
        assertBudgetHolds(secret, Concurrently.run(REQUESTS, i -> create(port, secret, i)));
    }

    @Test
    void fiftyParallelCreationsOnTwoNodesAcceptExactlyTheFiveTasksTheDailyBudgetAllows() {
        try (ConfigurableApplicationContext second = startSecondNode()) {
            int secondPort =
                    ((WebServerApplicationContext) second).getWebServer().getPort();
            assertThat(secondPort).isNotEqualTo(port);
            String secret = signUpWithBudget("day");
            // Every other request to each node: both take their share of the race.
            assertBudgetHolds(
                    secret, Concurrently.run(REQUESTS, i -> create(i % 2 == 0 ? port : secondPort, secret, i)));
        }
    }

    /** Another application context in this JVM on this test's database: a second node, as far as the data goes. */
    private ConfigurableApplicationContext startSecondNode() {
        // As command-line arguments: they win over the mysql profile's settings, as the test's own do.
        return new SpringApplicationBuilder(ImagegateApplication.class)
                .profiles("mysql")
                .run(
                        "--server.port=0",
                        "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                        "--spring.datasource.username=" + environment.getProperty("spring.datasource.username"),
                        "--spring.datasource.password=" + environment.getProperty("spring.datasource.password", ""),
                        "--spring.datasource.hikari.maximum-pool-size=10",
                        "--spring.datasource.hikari.minimum-idle=1",
                        "--imagegate.storage.filesystem.root="
                                + environment.getProperty("imagegate.storage.filesystem.root"),
                        "--jobrunr.background-job-server.enabled=false",
                        "--" + PRICE_PROPERTY + "=" + PRICE,
                        "--imagegate.plans.free.requests-per-minute=1000",
                        "--imagegate.plans.free.concurrent-tasks=100",
                        "--logging.level.root=WARN");
    }

    /** A new user, and a key whose budget is 5 tasks' credits per {@code period}. */
    private String signUpWithBudget(String period) {
        String email = "budget-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Http http = new Http(port);
        var signUp = http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
        assertThat(signUp.statusCode()).isEqualTo(302);
        var created = http.submitForm(
                "/app/keys",
                "/app/keys",
                Map.of(
                        "name",
                        "budgeted",
                        "mode",
                        "live",
                        "monthlyCreditCap",
                        String.valueOf(BUDGET_TASKS * PRICE),
                        "budgetPeriod",
                        period));
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).as("secret shown").isTrue();
        var account = ApiClient.json(new ApiClient(port).get("/api/v1/account", secret.group()));
        assertThat(account.at("/credits/balance").asLong())
                .as("the balance alone would allow every request")
                .isGreaterThanOrEqualTo((long) REQUESTS * PRICE);
        assertThat(account.at("/api_key/budget/period").asString()).isEqualTo(period);
        assertThat(account.at("/api_key/budget/credits").asLong()).isEqualTo(BUDGET_TASKS * PRICE);
        return secret.group();
    }

    private static HttpResponse<String> create(int port, String secret, int i) {
        return new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + secret,
                        "{\"prompt\":\"budget race " + i + "\",\"size\":\"1024x1024\"}");
    }

    private void assertBudgetHolds(String secret, List<Concurrently.Outcome<HttpResponse<String>>> outcomes) {
        assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
        List<HttpResponse<String>> responses =
                outcomes.stream().map(Concurrently.Outcome::value).toList();
        List<HttpResponse<String>> accepted =
                responses.stream().filter(r -> r.statusCode() == 202).toList();
        assertThat(accepted)
                .hasSize(BUDGET_TASKS)
                .allSatisfy(r ->
                        assertThat(ApiClient.json(r).path("credits").asLong()).isEqualTo(PRICE));
        assertThat(responses.stream().filter(r -> r.statusCode() != 202))
                .hasSize(REQUESTS - BUDGET_TASKS)
                .allSatisfy(r -> {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                    var error = ApiClient.json(r).path("error");
                    assertThat(error.path("code").asString()).isEqualTo("insufficient_quota");
                    assertThat(error.path("type").asString()).isEqualTo("insufficient_quota");
                    assertThat(error.path("message").asString()).contains("budget");
                });
        String keyId = ApiClient.json(new ApiClient(port).get("/api/v1/account", secret))
                .at("/api_key/id")
                .asString();
        var jdbc = new JdbcTemplate(dataSource);
        assertThat(jdbc.queryForObject(
                        "select count(*) from credit_entry where api_key_id = ? and kind = 'RESERVE'",
                        Integer.class,
                        keyId))
                .as("reserve entries of the key")
                .isEqualTo(BUDGET_TASKS);
        assertThat(jdbc.queryForObject(
                        "select sum(credits) from credit_reservation where api_key_id = ?", Long.class, keyId))
                .as("credits the ledger holds or took for the key")
                .isEqualTo((long) BUDGET_TASKS * PRICE);
        assertThat(jdbc.queryForObject("select count(*) from image_tasks where api_key_id = ?", Integer.class, keyId))
                .as("tasks")
                .isEqualTo(BUDGET_TASKS);
    }
}
