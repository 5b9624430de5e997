package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.imagegate.ImagegateApplication;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.Mails;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The 100% key budget alert raised by refusals ({@code Credits.keyBudgetRefused}) is sent once per key and period
 * when 50 refused creations arrive together at two nodes sharing the database: the alert row is written in a
 * transaction of its own under the workspace's balance-row lock, so whichever node comes first writes it and mails,
 * and the other node's refusals find it.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.prices.standard=10",
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=1000",
            "imagegate.generation.sandbox.delay=0ms"
        })
class KeyBudgetRefusalTwoNodesIT {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> smtp.getSmtp().getPort());
    }

    private static final Pattern SECRET = Pattern.compile("ig_live_[0-9A-Za-z]{43}");

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    Environment environment;

    @Test
    void fiftyRefusalsOnTwoNodesMailTheFullAlertOnce() {
        String email = "budget-two-nodes@example.com";
        var signUp =
                new Http(port).submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
        assertThat(signUp.statusCode()).isEqualTo(200);
        assertThat(new Http(port).get(Mails.confirmLink(smtp, email)).body()).contains("Email confirmed");
        var http = new Http(port);
        http.submitForm("/login", "/login", Map.of("username", email, "password", "a-good-password"));
        // A daily budget of 15: one task of 10 (66%, no alert), then every next one is refused.
        var created = http.submitForm(
                "/app/keys",
                "/app/keys",
                Map.of("name", "two nodes", "mode", "live", "monthlyCreditCap", "15", "budgetPeriod", "day"));
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).as("secret shown").isTrue();
        var nodeA = new ApiClient(port);
        String keyId = ApiClient.json(nodeA.get("/api/v1/account", secret.group()))
                .at("/api_key/id")
                .asString();
        assertThat(create(nodeA, secret.group(), "fits").statusCode()).isEqualTo(202);

        Map<String, String> settings = Map.ofEntries(
                Map.entry("server.port", "0"),
                Map.entry("spring.datasource.url", environment.getRequiredProperty("spring.datasource.url")),
                Map.entry("spring.datasource.username", environment.getRequiredProperty("spring.datasource.username")),
                Map.entry("spring.datasource.password", environment.getProperty("spring.datasource.password", "")),
                Map.entry("spring.datasource.hikari.maximum-pool-size", "10"),
                Map.entry(
                        "imagegate.storage.filesystem.root",
                        environment.getRequiredProperty("imagegate.storage.filesystem.root")),
                Map.entry("imagegate.generation.prices.standard", "10"),
                Map.entry("imagegate.plans.free.requests-per-minute", "1000"),
                Map.entry("imagegate.plans.free.concurrent-tasks", "1000"),
                Map.entry("imagegate.generation.sandbox.delay", "0ms"),
                Map.entry("spring.mail.host", "127.0.0.1"),
                Map.entry("spring.mail.port", String.valueOf(smtp.getSmtp().getPort())));
        try (var nodeB = new SpringApplicationBuilder(ImagegateApplication.class)
                .profiles("mysql")
                .run(settings.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new))) {
            var onB = new ApiClient(Integer.parseInt(nodeB.getEnvironment().getRequiredProperty("local.server.port")));

            var outcomes = Concurrently.run(50, i -> create(i % 2 == 0 ? nodeA : onB, secret.group(), "refused " + i));

            assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
            assertThat(outcomes.stream().map(Concurrently.Outcome::value))
                    .allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(429));
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> !Mails.to(smtp, email, "Key budget 100%").isEmpty());
            // No second one comes from either node.
            await().during(Duration.ofMillis(1_500))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> Mails.to(smtp, email, "Key budget").size() == 1);
            assertThat(Mails.body(Mails.to(smtp, email, "Key budget 100%").getFirst()))
                    .contains(keyId, "refused a request of 10 credits", "10 of 15 credits");
            assertThat(new JdbcTemplate(dataSource)
                            .queryForObject(
                                    "select count(*) from credit_key_budget_alerts where api_key_id = ?",
                                    Integer.class,
                                    keyId))
                    .isEqualTo(1);
        }
    }

    private static java.net.http.HttpResponse<String> create(ApiClient node, String secret, String prompt) {
        return node.send(
                "POST",
                "/api/v1/images/generations",
                "Bearer " + secret,
                "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\"}");
    }
}
