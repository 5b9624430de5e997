package com.imagegate.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.generation.TaskEvents;
import com.imagegate.testsupport.Browsers;
import com.imagegate.testsupport.ChromiumBrowser;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The studio's live cards (README, "Live task cards"): one renderer on the node and a slow sandbox, so a second
 * task waits in the queue; its card shows its place, then its rendering time, then a preview, then the final image,
 * all from the task's event stream without a page load. And the stream is the workspace's own: anyone else's is 404.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.sandbox.delay=4s",
            "imagegate.generation.tasks.local-workers=1",
            "imagegate.generation.tasks.queue-stats-ttl=0s",
            "jobrunr.background-job-server.enabled=false",
            "imagegate.plans.free.concurrent-tasks=100",
            "imagegate.studio.streams.heartbeat=300ms"
        })
class StudioLiveBrowserIT {

    @LocalServerPort
    int port;

    @Autowired
    TaskEvents events;

    @Autowired
    DataSource dataSource;

    @RegisterExtension
    final ChromiumBrowser chromium = new ChromiumBrowser();

    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        browser = chromium.driver();
        wait = new WebDriverWait(browser, Duration.ofSeconds(40));
        wait.pollingEvery(Duration.ofMillis(100));
    }

    @Test
    void aQueuedCardShowsItsPlaceThenRenderingThenAPreviewThenTheImageWithoutAReload() {
        Browsers.signUp(browser, url(""), "live-" + System.nanoTime() + "@example.com");
        browser.get(url("/app/studio"));
        wait.until(ExpectedConditions.titleContains("Studio"));
        browser.executeScript("window.__sameStudioPage = 'still here';");

        browser.findElement(By.id("partial_images")).click();
        browser.findElement(By.id("prompt")).sendKeys("A lighthouse at dawn");
        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".task-card"), 1));
        browser.findElement(By.id("prompt")).clear();
        browser.findElement(By.id("prompt")).sendKeys("A red fox in fresh snow");
        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".task-card"), 2));

        // The newest card is first; the first task holds the node's only renderer, so this one waits behind it.
        String second =
                browser.findElements(By.cssSelector(".task-card")).getFirst().getAttribute("id");
        By card = By.id(second);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#" + second + " [data-live-text]"), "Queued, position 1"));
        assertThat(browser.findElement(card).getAttribute("data-live")).isEqualTo("on");

        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#" + second + " [data-live-text]"), "Rendering… "));
        assertThat(browser.findElement(card).getAttribute("data-status")).isEqualTo("processing");

        // A preview arrives while it renders (only the stream delivers previews), and it loads.
        WebElement preview = wait.until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("#" + second + " img.task-preview")));
        assertThat(preview.getAttribute("src")).contains("/files/");
        wait.until(driver -> !"0".equals(preview.getDomProperty("naturalWidth")));
        assertThat(browser.findElement(card).getAttribute("data-status")).isEqualTo("processing");

        // Then the final card replaces it: the image, no preview, no live line.
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#" + second + "[data-status=succeeded] .task-images img")));
        assertThat(browser.findElements(By.cssSelector("#" + second + " [data-live-text]")))
                .isEmpty();
        assertThat(browser.findElements(By.cssSelector("#" + second + " img.task-preview")))
                .isEmpty();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".task-card[data-status=succeeded]"), 2));
        assertThat(browser.executeScript("return window.__sameStudioPage;")).isEqualTo("still here");
        assertThat(browser.getCurrentUrl()).endsWith("/app/studio");
    }

    @Test
    void withoutEventSourceTheCardStillFinishesByPolling() {
        browser.executeCdpCommand(
                "Page.addScriptToEvaluateOnNewDocument", Map.of("source", "delete window.EventSource;"));
        Browsers.signUp(browser, url(""), "polling-" + System.nanoTime() + "@example.com");
        browser.get(url("/app/studio"));
        assertThat(browser.executeScript("return typeof window.EventSource;")).isEqualTo("undefined");
        browser.executeScript("window.__sameStudioPage = 'still here';");

        browser.findElement(By.id("prompt")).sendKeys("A quiet harbour");
        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();
        WebElement card = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".task-card")));
        String id = card.getAttribute("id");
        assertThat(card.getAttribute("data-live")).isNull();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#" + id + " [data-live-text]"), "Rendering…"));
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#" + id + "[data-status=succeeded] .task-images img")));
        assertThat(browser.executeScript("return window.__sameStudioPage;")).isEqualTo("still here");
    }

    @Test
    void anotherWorkspacesTaskStreamIsNotFound() {
        Browsers.signUp(browser, url(""), "owner-" + System.nanoTime() + "@example.com");
        browser.get(url("/app/studio"));
        browser.findElement(By.id("prompt")).sendKeys("Mine alone");
        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();
        String id = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".task-card")))
                .getAttribute("id")
                .substring("task-".length());
        assertThat(status("/app/studio/tasks/" + id + "/events")).startsWith("200 text/event-stream");
        // Let it finish, so the node's one renderer is free for the other test.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".task-card[data-status=succeeded]")));

        browser.manage().deleteAllCookies();
        Browsers.signUp(browser, url(""), "stranger-" + System.nanoTime() + "@example.com");
        browser.get(url("/app/studio"));
        assertThat(status("/app/studio/tasks/" + id + "/events")).startsWith("404");
        assertThat(status("/app/studio/tasks/task_doesnotexist/events")).startsWith("404");
    }

    /**
     * The cap, on a task another node renders (held until the test ends it), so the streams stay open however slowly
     * a loaded machine opens them.
     */
    @Test
    void aWorkspaceHoldsAtMostAHundredStudioStreamsOnANode() throws Exception {
        String email = "streams-" + System.nanoTime() + "@example.com";
        Browsers.signUp(browser, url(""), email);
        browser.get(url("/app/studio"));
        String id = heldByAnotherNode(workspaceOf(email));
        String cookies = browser.manage().getCookies().stream()
                .map(c -> c.getName() + "=" + c.getValue())
                .collect(java.util.stream.Collectors.joining("; "));
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url("/app/studio/tasks/" + id + "/events")))
                .header("Cookie", cookies)
                .header("Accept", "text/event-stream")
                .build();
        List<CompletableFuture<java.net.http.HttpResponse<java.io.InputStream>>> opening = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            opening.add(http.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream()));
        }
        List<java.net.http.HttpResponse<java.io.InputStream>> held = new ArrayList<>();
        for (var future : opening) {
            held.add(future.get(60, TimeUnit.SECONDS));
        }
        assertThat(held).extracting(java.net.http.HttpResponse::statusCode).containsOnly(200);
        var refused = http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(refused.statusCode()).isEqualTo(429);

        // When the task ends, every stream gets its end and closes: the workspace may open streams again.
        new JdbcTemplate(dataSource)
                .update(
                        "update image_tasks set status = 'CANCELED', finished_at = ?, lease_until = null"
                                + " where id = ?",
                        Timestamp.from(Instant.now()),
                        id);
        for (var stream : held) {
            try (var body = stream.body()) {
                assertThat(new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                        .contains("event:canceled");
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    @Test
    void aStudioStreamWhoseClientLeavesGivesItsPlaceBack() throws Exception {
        String email = "leaving-" + System.nanoTime() + "@example.com";
        Browsers.signUp(browser, url(""), email);
        String workspace = workspaceOf(email);
        browser.get(url("/app/studio"));
        browser.findElement(By.id("prompt")).sendKeys("Watched, then left");
        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();
        String id = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".task-card")))
                .getAttribute("id")
                .substring("task-".length());
        wait.until(ExpectedConditions.attributeToBe(By.id("task-" + id), "data-live", "on"));
        // The card's own stream, counted in the studio's pool (not the API's).
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events.openStreams(StudioProperties.Streams.POOL, workspace) == 1);
        assertThat(events.openStreams("api", workspace)).isZero();

        String cookies = browser.manage().getCookies().stream()
                .map(c -> c.getName() + "=" + c.getValue())
                .collect(java.util.stream.Collectors.joining("; "));
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url("/app/studio/tasks/" + id + "/events")))
                .header("Cookie", cookies)
                .header("Accept", "text/event-stream")
                .build();
        var leaving = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertThat(leaving.statusCode()).isEqualTo(200);
        assertThat(events.openStreams(StudioProperties.Streams.POOL, workspace)).isEqualTo(2);
        leaving.body().close();
        // The next heartbeat (every 300 ms here) finds the connection gone and gives its place back.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events.openStreams(StudioProperties.Streams.POOL, workspace) == 1);

        // The card's stream ends with its task, and gives its place back too.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".task-card[data-status=succeeded]")));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events.openStreams(StudioProperties.Streams.POOL, workspace) == 0);
    }

    private String workspaceOf(String email) {
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "select m.workspace_id from memberships m join users u on u.id = m.user_id where u.email = ?",
                        String.class,
                        email);
    }

    /** A free task another node is rendering (its lease runs an hour): it ends when the test says. */
    private String heldByAnotherNode(String workspaceId) {
        String id = "task_"
                + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        Instant now = Instant.now();
        new JdbcTemplate(dataSource)
                .update(
                        "insert into image_tasks (id, workspace_id, source, kind, status, model, model_snapshot,"
                                + " provider, prompt, n, size, quality, output_format, credits, credits_refunded,"
                                + " attempts, lease_owner, lease_until, created_at, started_at)"
                                + " values (?, ?, 'web', 'generation', 'PROCESSING', 'gpt-image-2', 'gpt-image-2',"
                                + " 'sandbox', 'watched a lot', 1, '1024x1024', 'auto', 'png', 0, false, 1,"
                                + " 'another-node', ?, ?, ?)",
                        id,
                        workspaceId,
                        Timestamp.from(now.plus(Duration.ofHours(1))),
                        Timestamp.from(now),
                        Timestamp.from(now));
        return id;
    }

    /** The status and content type of a same-origin GET made by the page, with its session (headers only). */
    private String status(String path) {
        return (String) browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const abort = new AbortController();
                fetch(arguments[0], { signal: abort.signal }).then((r) => {
                  const type = (r.headers.get("content-type") || "").split(";")[0];
                  abort.abort();
                  done(r.status + " " + type);
                }, (e) => done("error " + e));
                """, path);
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
