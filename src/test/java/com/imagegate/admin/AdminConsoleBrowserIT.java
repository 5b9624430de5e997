package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.ChromiumBrowser;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.Screenshots;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The admin's journey in a real browser: sign in → find a user by email → grant 500 credits with a reason → the
 * balance and the audit log show it → a failed task cannot be refunded (it was never charged), a succeeded one is
 * refunded once and a second refund is refused → suspend the workspace → its key gets 403 {@code account_suspended}.
 */
@MariaDbIntegrationTest(
        properties = {AdminTesting.BOOTSTRAP_EMAIL, AdminTesting.BOOTSTRAP_PASSWORD, AdminTesting.FAST_SANDBOX})
class AdminConsoleBrowserIT {

    @LocalServerPort
    int port;

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
    void adminFindsAUserGrantsRefundsOnceAndSuspends() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String succeeded = AdminTesting.endedTask(port, user.secret(), "a lighthouse at dawn", "1024x1024", 2);
        String failed = AdminTesting.endedTask(port, user.secret(), "this one [[fail]]s", "1024x1024", 1);
        long before = AdminTesting.balance(port, user.secret());
        String base = "http://localhost:" + port;

        signInAsAdmin(base);
        browser.findElement(By.cssSelector("nav[aria-label=Main] a[href='/admin']"))
                .click();
        wait.until(ExpectedConditions.titleContains("Admin"));

        // Find the user by email, open them, then their personal workspace.
        browser.findElement(By.id("admin-search")).sendKeys(user.email());
        browser.findElement(By.cssSelector("form[role=search] button")).click();
        wait.until(ExpectedConditions.titleContains("Search"));
        browser.findElement(By.linkText(user.email())).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), user.email()));
        browser.findElement(By.cssSelector("#user-workspaces a")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("grant-form")));
        assertThat(browser.findElement(By.id("balance")).getText()).isEqualTo(Long.toString(before));

        // Grant 500 with a reason: the balance and the audit log show it, and so does the user's own API.
        browser.findElement(By.id("grant-credits")).sendKeys("500");
        browser.findElement(By.id("grant-reason")).sendKeys("Goodwill after an outage");
        browser.findElement(By.id("grant-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Granted 500 credits"));
        assertThat(browser.findElement(By.id("balance")).getText()).isEqualTo(Long.toString(before + 500));
        assertThat(browser.findElement(By.id("workspace-audit")).getText())
                .contains("credits.grant", "Goodwill after an outage", AdminTesting.ADMIN_EMAIL);
        assertThat(AdminTesting.balance(port, user.secret())).isEqualTo(before + 500);
        browser.findElement(By.linkText("Audit log")).click();
        wait.until(ExpectedConditions.titleContains("Audit log"));
        assertThat(browser.findElement(By.id("audit")).getText())
                .contains("credits.grant", "Goodwill after an outage", "granted 500");

        // The failed task was never charged: refusing says so, and nothing changes.
        browser.get(base + "/admin/tasks/" + failed);
        assertThat(browser.findElement(By.id("task-status")).getText()).isEqualTo("failed");
        assertThat(browser.findElement(By.id("refund-not-needed")).getText()).contains("released automatically");
        browser.findElement(By.id("refund-reason")).sendKeys("Customer asked");
        browser.findElement(By.id("refund-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("problem"), "never charged"));
        assertThat(AdminTesting.balance(port, user.secret())).isEqualTo(before + 500);

        // The succeeded task is refunded once; a second attempt is refused with a clear message.
        browser.get(base + "/admin/tasks/" + succeeded);
        long charged =
                Long.parseLong(browser.findElement(By.id("credits-captured")).getText());
        assertThat(charged).isPositive();
        browser.findElement(By.id("refund-reason")).sendKeys("Blurry result");
        browser.findElement(By.id("refund-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Refunded " + charged));
        assertThat(browser.findElement(By.id("refund-done")).getText()).contains("Refunded " + charged);
        assertThat(AdminTesting.balance(port, user.secret())).isEqualTo(before + 500 + charged);
        browser.findElement(By.id("refund-reason")).sendKeys("Again");
        browser.findElement(By.id("refund-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("problem"), "already refunded"));
        assertThat(AdminTesting.balance(port, user.secret())).isEqualTo(before + 500 + charged);

        // Suspend the workspace: its key is refused with 403 account_suspended.
        browser.findElement(By.cssSelector("main p a[href^='/admin/workspaces/']"))
                .click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("suspend-form")));
        browser.findElement(By.id("suspend-reason")).sendKeys("Chargeback fraud");
        browser.findElement(By.id("suspend-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "suspended"));
        assertThat(browser.findElement(By.id("workspace-state")).getText()).isEqualTo("Suspended");
        var refused = new ApiClient(port).get("/api/v1/account", user.secret());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(ApiClient.json(refused).at("/error/code").asString()).isEqualTo("account_suspended");
        assertThat(browser.findElement(By.id("workspace-audit")).getText())
                .contains("workspace.suspend", "Chargeback fraud", "task.refund", "Blurry result");
    }

    /**
     * The health page leads to JobRunr's own dashboard, under this sign-in: it renders (its scripts pass the page's
     * policy), loads its jobs through {@code /admin/jobrunr/api} and shows the render job of the user's task.
     */
    @Test
    void adminOpensJobRunrsDashboardFromTheHealthPage() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String task = AdminTesting.endedTask(port, user.secret(), "a dashboard probe", "1024x1024", 1);
        String base = "http://localhost:" + port;
        signInAsAdmin(base);
        browser.get(base + "/admin/health");
        browser.findElement(By.id("jobrunr-dashboard")).click();
        wait.until(ExpectedConditions.urlContains("/admin/jobrunr/dashboard/overview"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("jobs-btn")));
        browser.findElement(By.id("jobs-btn")).click();
        wait.until(ExpectedConditions.urlContains("/admin/jobrunr/dashboard/jobs"));

        // The list is paged and shared with every other test's jobs, so open the task's own job: its id is derived
        // from the task's. JobRunr runs it within its 5 s poll; the job page is read again on each visit.
        var jobId = UUID.nameUUIDFromBytes(("task-job:" + task).getBytes(StandardCharsets.UTF_8));
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .pollingEvery(Duration.ofSeconds(2))
                .until(driver -> {
                    driver.get(base + "/admin/jobrunr/dashboard/jobs/" + jobId);
                    String text = jobPageText(driver);
                    return text.contains(task) && text.contains("This job has succeeded");
                });
        Screenshots.save(browser, "admin-jobrunr");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("Render task " + task);
        // Nothing of the page was refused by its policy except calls to JobRunr's own servers on the internet.
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
                .map(LogEntry::getMessage)
                .filteredOn(message -> message.contains("Content Security Policy"))
                .allSatisfy(message -> assertThat(message).contains("api.jobrunr.io"));
    }

    /**
     * The text of a JobRunr job page once its script has rendered the job (it fetches it after the page has loaded, so
     * right after {@code get} the page shows only a spinner); empty when it has not within 10 s.
     */
    private static String jobPageText(WebDriver driver) {
        try {
            return new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> {
                String text = d.findElement(By.tagName("body")).getText();
                return text.contains("Job Id") ? text : null;
            });
        } catch (TimeoutException notRendered) {
            return "";
        }
    }

    private void signInAsAdmin(String base) {
        browser.get(base + "/login");
        browser.findElement(By.id("username")).sendKeys(AdminTesting.ADMIN_EMAIL);
        browser.findElement(By.id("password")).sendKeys(AdminTesting.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/app"));
    }
}
