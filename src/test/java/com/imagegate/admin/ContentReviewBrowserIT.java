package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.ChromiumBrowser;
import com.imagegate.testsupport.FakeOpenAiImages;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.Screenshots;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An admin reviews a paused workspace in a real browser: a customer's prompts flagged by the upstream's moderation
 * endpoint (a local fake in OpenAI's wire format) pause its generation; the admin finds it in the review queue, reads
 * the refused prompts, unpauses it with a reason, and the customer's next request renders.
 */
@MariaDbIntegrationTest(
        properties = {
            AdminTesting.BOOTSTRAP_EMAIL,
            AdminTesting.BOOTSTRAP_PASSWORD,
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.channels.main.api-key=" + ContentReviewBrowserIT.KEY,
            "imagegate.protection.moderation.enabled=true",
            "imagegate.protection.strikes-per-day=2"
        })
class ContentReviewBrowserIT {

    static final String KEY = "sk-content-review-1";
    static final FakeOpenAiImages UPSTREAM = FakeOpenAiImages.start(KEY);

    static {
        UPSTREAM.flag("flagged-by-moderation", "violence");
    }

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

    @RegisterExtension
    final ChromiumBrowser chromium = new ChromiumBrowser();

    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        browser = chromium.driver();
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    private HttpResponse<String> create(ApiUsers user, String prompt) {
        return new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + user.secret(),
                        "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\"}");
    }

    private static String code(HttpResponse<String> answer) {
        return ApiClient.json(answer).at("/error/code").asString();
    }

    @Test
    void adminReviewsAPausedWorkspaceSeesItsPromptsAndUnpausesIt() {
        var user = ApiUsers.signUpWithKey(port, "live");
        assertThat(code(create(user, "flagged-by-moderation first try"))).isEqualTo("content_policy_violation");
        assertThat(code(create(user, "flagged-by-moderation second try"))).isEqualTo("content_policy_violation");
        var paused = create(user, "a harmless lighthouse");
        assertThat(paused.statusCode()).isEqualTo(403);
        assertThat(code(paused)).isEqualTo("workspace_paused");

        String base = "http://localhost:" + port;
        browser.get(base + "/login");
        browser.findElement(By.id("username")).sendKeys(AdminTesting.ADMIN_EMAIL);
        browser.findElement(By.id("password")).sendKeys(AdminTesting.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/app"));
        browser.get(base + "/admin");
        browser.findElement(By.linkText("Reviews")).click();
        wait.until(ExpectedConditions.titleContains("Review queue"));
        assertThat(browser.findElement(By.id("paused-workspaces")).getText()).contains("to review");
        browser.findElement(By.cssSelector("#paused-workspaces a")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("strikes")));
        assertThat(browser.findElement(By.id("strikes")).getText())
                .contains("flagged-by-moderation first try", "flagged-by-moderation second try", "moderation");
        Screenshots.save(browser, "admin-content-review");

        browser.findElement(By.id("unpause-reason")).sendKeys("Reviewed: a test gone wrong");
        browser.findElement(By.id("unpause")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Generation resumed"));
        assertThat(browser.findElement(By.id("paused-workspaces")).getText()).contains("No paused workspaces");
        browser.findElement(By.linkText("Audit log")).click();
        wait.until(ExpectedConditions.titleContains("Audit log"));
        assertThat(browser.findElement(By.id("audit")).getText())
                .contains("content.unpause", "Reviewed: a test gone wrong");

        String task = AdminTesting.endedTask(port, user.secret(), "a harmless lighthouse", "1024x1024", 1);
        var done = new ApiClient(port).get("/api/v1/images/tasks/" + task, user.secret());
        assertThat(ApiClient.json(done).at("/status").asString()).isEqualTo("succeeded");
    }
}
