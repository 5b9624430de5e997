package com.imagegate.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.Browsers;
import com.imagegate.testsupport.ChromiumBrowser;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.Screenshots;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A new user's whole first visit: studio → the card finishes by itself → download → gallery → usage → dashboard; and
 * a second workspace that sees none of it. Takes the README's screenshots on the way.
 */
@MariaDbIntegrationTest(properties = "imagegate.generation.sandbox.delay=2s")
class StudioJourneyBrowserIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @RegisterExtension
    final ChromiumBrowser chromium = new ChromiumBrowser();

    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        browser = chromium.driver();
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @Test
    void generateWatchDownloadFindInTheGalleryAndSeeTheUsage() throws Exception {
        browser.get(url("/"));
        Screenshots.save(browser, "landing");
        signUp("journey-" + System.nanoTime() + "@example.com");

        browser.findElement(By.linkText("Studio")).click();
        wait.until(ExpectedConditions.titleContains("Studio"));
        browser.findElement(By.id("prompt")).sendKeys("A lighthouse at dawn");
        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".task-card[data-status=succeeded]")));
        String finishedCardId =
                browser.findElement(By.cssSelector(".task-card")).getAttribute("id");

        browser.findElement(By.id("prompt")).clear();
        browser.findElement(By.id("prompt")).sendKeys("A red fox in fresh snow");
        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".task-card"), 2));
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".task-card[data-status=pending], .task-card[data-status=processing]")));
        Screenshots.save(browser, "studio");
        assertThat(browser.getCurrentUrl()).endsWith("/app/studio"); // the cards changed without a page load
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".task-card[data-status=succeeded]"), 2));
        assertThat(finishedCardId).startsWith("task-");

        browser.findElement(By.linkText("Gallery")).click();
        wait.until(ExpectedConditions.titleContains("Gallery"));
        assertThat(browser.findElements(By.cssSelector(".gallery-item img"))).hasSize(2);
        WebElement download = browser.findElement(By.cssSelector(".gallery-item a[download]"));
        HttpResponse<byte[]> file = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(download.getAttribute("href")))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        var image = ImageIO.read(new ByteArrayInputStream(file.body()));
        assertThat(image.getWidth()).isEqualTo(1024);
        assertThat(image.getHeight()).isEqualTo(1024);

        WebElement search = browser.findElement(By.id("q"));
        search.sendKeys("fox");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".gallery-item img"), 1));
        assertThat(browser.findElement(By.cssSelector(".gallery-item .prompt")).getText())
                .isEqualTo("A red fox in fresh snow");
        assertThat(browser.getCurrentUrl()).contains("q=fox");

        browser.get(url("/app/usage"));
        assertThat(browser.findElement(By.id("total-credits")).getText()).isEqualTo("20");
        assertThat(browser.findElement(By.id("total-images")).getText()).isEqualTo("2");
        assertThat(browser.findElement(By.cssSelector("#by-key tbody")).getText())
                .contains("Web studio");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".chart .uplot")));

        browser.get(url("/app"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=spendable]"))
                        .getText())
                .isEqualTo("80");
        assertThat(browser.findElement(By.cssSelector("[data-testid=used-this-month]"))
                        .getText())
                .isEqualTo("20");
        assertThat(browser.findElements(By.cssSelector("#recent-tasks tbody tr")))
                .hasSize(2);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".chart .uplot")));
        Screenshots.save(browser, "dashboard");

        // Deleting an image takes it out of the gallery and its link answers 410; the credits stay spent.
        browser.get(url("/app/gallery?q=fox"));
        String foxLink =
                browser.findElement(By.cssSelector(".gallery-item a[download]")).getAttribute("href");
        browser.findElement(By.cssSelector(".gallery-item .button-danger")).click();
        browser.switchTo().alert().accept();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".gallery-item img"), 0));
        assertThat(HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(foxLink)).build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(410);
        browser.get(url("/app/gallery"));
        assertThat(browser.findElements(By.cssSelector(".gallery-item img"))).hasSize(1);

        // Another workspace sees nothing of this one, not even by the card's address.
        String taskId = finishedCardId.substring("task-".length());
        browser.manage().deleteAllCookies();
        signUp("other-" + System.nanoTime() + "@example.com");
        browser.get(url("/app/gallery"));
        assertThat(browser.findElements(By.cssSelector(".gallery-item"))).isEmpty();
        assertThat(browser.findElement(By.cssSelector(".empty")).getText()).contains("Nothing here yet");
        browser.get(url("/app/studio/tasks/" + taskId));
        assertThat(browser.getPageSource()).contains("No such task").doesNotContain("lighthouse");
    }

    @Test
    void referenceImagesByUploadAndFromResultsAndEnhance() throws Exception {
        signUp("refs-" + System.nanoTime() + "@example.com");
        browser.get(url("/app/studio"));

        // Two files chosen at once become two references of one task.
        browser.findElement(By.id("references")).sendKeys(png("first", 64) + "\n" + png("second", 48));
        assertThat(browser.findElements(By.cssSelector("#reference-list [data-file]")))
                .hasSize(2);
        browser.findElement(By.id("prompt")).sendKeys("Blend these two");
        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();
        WebElement card = wait.until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector(".task-card[data-status=succeeded]")));
        String blended = card.getAttribute("id").substring("task-".length());
        assertThat(referenceCount(blended)).isEqualTo(2);

        // Enhance a result: a new card, priced at the enhancement price, twice the size.
        card.findElement(By.xpath(".//button[starts-with(normalize-space(), 'Enhance')]"))
                .click();
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//article[contains(@class,'task-card') and @data-status='succeeded'"
                        + " and .//span[contains(., 'Enhancement')]]//img")));
        WebElement enhanced = browser.findElement(
                By.xpath("//article[contains(@class,'task-card') and .//span[contains(., 'Enhancement')]]//img"));
        wait.until(driver -> !"0".equals(enhanced.getDomProperty("naturalWidth")));
        assertThat(enhanced.getDomProperty("naturalWidth")).isEqualTo("2048");

        // Use a result as the reference of the next generation.
        browser.findElement(By.cssSelector("#task-" + blended + " [data-use-reference]"))
                .click();
        assertThat(browser.findElements(By.cssSelector("#reference-list input[name=reference_result]")))
                .hasSize(1);
        browser.findElement(By.id("references")).clear();
        browser.findElement(By.id("prompt")).clear();
        browser.findElement(By.id("prompt")).sendKeys("Same scene at night");
        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".task-card[data-status=succeeded]"), 3));
        String night = browser.findElement(By.cssSelector(".task-card"))
                .getAttribute("id")
                .substring(5);
        assertThat(referenceCount(night)).isEqualTo(1);

        // A file that is not an image is refused next to the form; nothing is created or charged.
        browser.findElement(By.cssSelector("#reference-list [data-remove-reference]"))
                .click();
        Path fake = Files.createTempFile("not-an-image", ".png");
        Files.writeString(fake, "hello");
        browser.findElement(By.id("references")).sendKeys(fake.toString());
        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("problems"), "not a PNG, JPEG or WebP"));
        assertThat(browser.findElements(By.cssSelector(".task-card"))).hasSize(3);
        browser.get(url("/app"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=spendable]"))
                        .getText())
                .isEqualTo("70");
    }

    @Test
    void onAPhoneTheStudioFitsTheScreen() {
        browser.manage().window().setSize(new Dimension(390, 844));
        signUp("phone-" + System.nanoTime() + "@example.com");
        browser.get(url("/app/studio"));
        Object overflow = browser.executeScript(
                "return document.documentElement.scrollWidth > document.documentElement.clientWidth");
        assertThat(overflow).isEqualTo(false);
        Screenshots.save(browser, "studio-phone");
    }

    private void signUp(String email) {
        Browsers.signUp(browser, "http://localhost:" + port, email);
    }

    private int referenceCount(String taskId) {
        String keys = jdbc.queryForObject("select reference_keys from image_tasks where id = ?", String.class, taskId);
        return keys == null || keys.isBlank() ? 0 : keys.split("\n").length;
    }

    private static String png(String name, int size) throws Exception {
        Path file = Files.createTempFile(name, ".png");
        var image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(image, "png", file.toFile());
        return file.toString();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
