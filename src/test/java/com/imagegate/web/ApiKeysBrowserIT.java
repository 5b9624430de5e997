package com.imagegate.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.credits.BudgetPeriod;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Browsers;
import com.imagegate.testsupport.ChromiumBrowser;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** A new user creates an API key in a real browser, uses it over real HTTP, and revokes it. */
@MariaDbIntegrationTest
class ApiKeysBrowserIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @RegisterExtension
    final ChromiumBrowser chromium = new ChromiumBrowser();

    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        browser = chromium.driver();
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @Test
    void newUserCreatesAKeySeesTheSecretOnceUsesItAndRevokesIt() {
        String base = "http://localhost:" + port;
        Browsers.signUp(browser, base, "browser-keys@example.com");

        browser.findElement(By.cssSelector("nav[aria-label=Main] a[href='/app/keys']"))
                .click();
        wait.until(ExpectedConditions.titleContains("API keys"));
        assertThat(browser.findElement(By.cssSelector(".breadcrumb")).getText()).contains("Settings → API keys");

        // An empty name is refused in place (the htmx 422 answer is swapped in), and nothing is created.
        browser.findElement(By.cssSelector("#create-key-form button[type=submit]"))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("key-name-error"), "Give the key a name"));
        assertThat(browser.findElements(By.id("new-key-secret"))).isEmpty();

        browser.findElement(By.id("key-name")).sendKeys("My laptop");
        browser.findElement(By.id("key-cap")).sendKeys("5000");
        new Select(browser.findElement(By.id("key-budget-period"))).selectByVisibleText("Per week (from Monday)");
        browser.findElement(By.cssSelector("#create-key-form button[type=submit]"))
                .click();
        String secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-key-secret")))
                .getText();
        assertThat(secret).matches("ig_live_[0-9A-Za-z]{43}");
        var copy = browser.findElement(By.cssSelector("button[data-copy]"));
        copy.click();
        wait.until(d -> !copy.getText().equals("Copy"));
        assertThat(browser.findElement(By.cssSelector(".keys-table tbody")).getText())
                .contains("My laptop", secret.substring(0, 12) + "…", "live", "Active", "Never")
                .contains("0 / 5,000 credits this week · resets " + nextMondayMidnight());

        var call = new ApiClient(port).get("/api/v1/account", secret);
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(call).at("/id").asString())
                .isEqualTo(personalWorkspaceOf("browser-keys@example.com"));

        browser.navigate().refresh();
        wait.until(ExpectedConditions.titleContains("API keys"));
        assertThat(browser.findElements(By.id("new-key-secret"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(secret).contains(secret.substring(0, 12));

        browser.findElement(By.linkText("Revoke…")).click();
        wait.until(ExpectedConditions.titleContains("Revoke"));
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("My laptop");
        browser.findElement(By.id("confirm-revoke")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[role=status]"), "Revoked"));
        assertThat(browser.findElement(By.cssSelector(".keys-table tbody")).getText())
                .contains("Revoked");
        assertThat(browser.findElements(By.linkText("Revoke…"))).isEmpty();

        var after = new ApiClient(port).get("/api/v1/account", secret);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(ApiClient.json(after).at("/error/code").asString()).isEqualTo("invalid_api_key");
    }

    /** As the page writes it, e.g. "Mon 7 Dec 00:00 UTC". */
    private static String nextMondayMidnight() {
        return DateTimeFormatter.ofPattern("EEE d MMM HH:mm 'UTC'", Locale.ENGLISH)
                .withZone(ZoneOffset.UTC)
                .format(BudgetPeriod.WEEK.end(Instant.now()));
    }

    private String personalWorkspaceOf(String email) {
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by"
                                + " where u.email = ? and w.personal = true",
                        String.class,
                        email);
    }
}
