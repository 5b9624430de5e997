package com.imagegate.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ChromiumBrowser;
import com.imagegate.testsupport.Mails;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Spend control end to end (issue 20), in a real browser and by real mail: an owner signs up and confirms by the
 * mailed link, creates an API key with a daily budget and sets a low-balance threshold on the pages, then spends
 * through the API until the key's budget alerts (80% by spending, 100% by the refused creation) and the low-balance
 * alert all arrive, once each; the keys page shows the key's spent / budget and that it refused a task. An endpoint
 * subscribed on {@code /app/webhooks} to {@code balance.low} and {@code budget.reached} receives one event per alert,
 * signed, and the page's delivery log shows them delivered.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.prices.standard=10",
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=1000",
            "imagegate.generation.sandbox.delay=0ms",
            "imagegate.fetch.allow-private-hosts=true",
            "imagegate.webhooks.allow-http=true"
        })
class SpendAlertsBrowserIT {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> smtp.getSmtp().getPort());
    }

    @LocalServerPort
    int port;

    @RegisterExtension
    final ChromiumBrowser chromium = new ChromiumBrowser();

    ChromeDriver browser;
    WebDriverWait wait;

    /** The owner's webhook receiver: every POST it gets, body by body. */
    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

    static final HttpServer RECEIVER = startReceiver();

    static HttpServer startReceiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/events", exchange -> {
                if (exchange.getRequestHeaders().getFirst("webhook-signature") != null) {
                    RECEIVED.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.stop(0);
    }

    @BeforeEach
    void openBrowser() {
        browser = chromium.driver();
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @Test
    void anOwnerSetsABudgetAndAThresholdSpendsThroughTheApiAndGetsEachAlertOnce() throws Exception {
        String email = "spend-journey@example.com";
        signUpConfirmAndSignIn(email);

        // A key with a daily budget of 45 credits (four 10-credit tasks) and its own limit per end user.
        browser.get(url("/app/keys"));
        wait.until(ExpectedConditions.titleContains("API keys"));
        browser.findElement(By.id("key-name")).sendKeys("Reseller app");
        browser.findElement(By.id("key-cap")).sendKeys("45");
        new Select(browser.findElement(By.id("key-budget-period"))).selectByVisibleText("Per day");
        browser.findElement(By.id("key-user-limit")).sendKeys("100");
        browser.findElement(By.cssSelector("#create-key-form button[type=submit]"))
                .click();
        String secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-key-secret")))
                .getText();
        assertThat(secret).matches("ig_live_[0-9A-Za-z]{43}");
        assertThat(keyRow("Reseller app"))
                .contains("0 / 45 credits this day", "100 credits per user per day", "Active");

        // A low-balance alert below 70 credits (the balance is the sign-up grant, 100).
        browser.get(url("/app/billing"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("balance-alert-form")));
        browser.findElement(By.id("alert-threshold")).sendKeys("70");
        browser.findElement(By.cssSelector("#balance-alert-form button[type=submit]"))
                .click();
        wait.until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("balance-alert-current"), "below 70 credits"));
        assertThat(browser.findElement(By.id("balance-alert-current")).getText())
                .contains("100 credits");
        assertThat(Mails.to(smtp, email, "Low balance")).isEmpty();

        // An endpoint for the two alert events.
        subscribeEndpointToAlerts();

        // Spend: three tasks (30 of 45, balance 70), the fourth (40: 80% of the budget; balance 60, below 70) ...
        for (int i = 1; i <= 4; i++) {
            var accepted = create(secret, "task " + i, "end-user-1");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        }
        // ... and the fifth would pass the budget: refused, which tells the owners the key is stopped.
        var refused = create(secret, "task 5", "end-user-1");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(ApiClient.json(refused).at("/error/code").asString()).isEqualTo("insufficient_quota");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> Mails.to(smtp, email, "Key budget 80%").size() == 1
                        && Mails.to(smtp, email, "Key budget 100%").size() == 1
                        && Mails.to(smtp, email, "Low balance").size() == 1);
        assertThat(Mails.body(Mails.to(smtp, email, "Key budget 80%").getFirst()))
                .contains("80% of its daily budget", "40 of 45 credits", "/app/keys");
        assertThat(Mails.body(Mails.to(smtp, email, "Key budget 100%").getFirst()))
                .contains("refused a request of 10 credits", "40 of 45 credits");
        assertThat(Mails.to(smtp, email, "Low balance").getFirst().getSubject())
                .startsWith("Low balance: 60 credits left");
        // Another refusal sends nothing more: each alert once per crossing / period.
        assertThat(create(secret, "task 6", "end-user-1").statusCode()).isEqualTo(429);
        await().during(Duration.ofMillis(1_500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> Mails.to(smtp, email, "Key budget").size() == 2
                        && Mails.to(smtp, email, "Low balance").size() == 1);

        // The keys page shows what the key spent of its budget, and that it refused a task.
        browser.get(url("/app/keys"));
        wait.until(ExpectedConditions.titleContains("API keys"));
        assertThat(keyRow("Reseller app")).contains("40 / 45 credits this day", "Refused a task this day");
        browser.get(url("/app/billing"));
        assertThat(browser.findElement(By.id("balance-alert-current")).getText())
                .contains("60 credits", "below 70 credits");

        webhookLogShowsBalanceLowAndBudgetReached();
    }

    private void subscribeEndpointToAlerts() {
        browser.get(url("/app/webhooks"));
        browser.findElement(By.id("add-endpoint")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("endpoint-form")));
        browser.findElement(By.id("endpoint-url"))
                .sendKeys("http://127.0.0.1:" + RECEIVER.getAddress().getPort() + "/events");
        browser.findElement(By.id("endpoint-description")).sendKeys("Spend alerts");
        for (String type : List.of("balance.low", "budget.reached")) {
            browser.findElement(By.cssSelector("input[name=eventTypes][value='" + type + "']"))
                    .click();
        }
        browser.findElement(By.id("save-endpoint")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Spend alerts"));
    }

    /**
     * The receiver got one {@code balance.low} and two {@code budget.reached} (80, then 100 by the refusal), and the
     * delivery log on {@code /app/webhooks} shows those three, each delivered.
     */
    private void webhookLogShowsBalanceLowAndBudgetReached() {
        await().atMost(Duration.ofSeconds(20)).until(() -> RECEIVED.size() >= 3);
        await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(5)).until(() -> RECEIVED.size() == 3);
        assertThat(RECEIVED)
                .filteredOn(body -> body.contains("\"type\":\"balance.low\""))
                .singleElement()
                .asString()
                .contains("\"balance\":60", "\"threshold\":70");
        assertThat(RECEIVED)
                .filteredOn(body -> body.contains("\"type\":\"budget.reached\""))
                .hasSize(2)
                .anySatisfy(body -> assertThat(body).contains("\"level\":80", "\"refused_credits\":0"))
                .anySatisfy(body -> assertThat(body).contains("\"level\":100", "\"refused_credits\":10"));

        browser.get(url("/app/webhooks"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".webhooks-table")));
        List<String> rows = browser.findElements(By.cssSelector(".webhooks-table tbody tr")).stream()
                .map(row -> row.getText())
                .toList();
        assertThat(rows)
                .filteredOn(row -> row.contains("balance.low"))
                .singleElement()
                .asString()
                .contains("succeeded");
        assertThat(rows)
                .filteredOn(row -> row.contains("budget.reached"))
                .hasSize(2)
                .allSatisfy(row -> assertThat(row).contains("succeeded"));
    }

    private void signUpConfirmAndSignIn(String email) {
        browser.get(url("/signup"));
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys("a-good-password");
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        wait.until(ExpectedConditions.titleContains("Check your email"));
        browser.get(url(Mails.confirmLink(smtp, email)));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Email confirmed"));
        browser.get(url("/login"));
        browser.findElement(By.id("username")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys("a-good-password");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlMatches(".*/app/?$"));
    }

    private String keyRow(String name) {
        return browser.findElements(By.cssSelector(".keys-table tbody tr")).stream()
                .map(row -> row.getText())
                .filter(text -> text.contains(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name));
    }

    private HttpResponse<String> create(String secret, String prompt, String user) {
        return new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + secret,
                        "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\",\"user\":\"" + user + "\"}");
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
