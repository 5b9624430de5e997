package com.imagegate.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.Browsers;
import com.imagegate.testsupport.ChromiumBrowser;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Generating in the browser: the cost shows before submitting, cards update themselves, failures say refunded. */
@MariaDbIntegrationTest(properties = "imagegate.generation.sandbox.delay=500ms")
class StudioBrowserIT {

    @LocalServerPort
    int port;

    @RegisterExtension
    final ChromiumBrowser chromium = new ChromiumBrowser();

    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void signUp() {
        browser = chromium.driver();
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        Browsers.signUp(browser, "http://localhost:" + port, "studio-" + System.nanoTime() + "@example.com");
        browser.findElement(By.linkText("Studio")).click();
        wait.until(ExpectedConditions.titleContains("Studio"));
    }

    @Test
    void generatesWithTheCostShownFirstAndTheCardUpdatesItself() {
        browser.findElement(By.id("prompt")).sendKeys("A lighthouse at dawn");
        assertThat(browser.findElement(By.id("cost")).getText()).isEqualTo("10");
        WebElement n = browser.findElement(By.id("n"));
        n.clear();
        n.sendKeys("2");
        new Select(browser.findElement(By.id("size"))).selectByValue("1920x1088");
        wait.until(ExpectedConditions.textToBe(By.id("cost"), "40"));

        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();

        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".task-card[data-status=succeeded]")));
        var images = browser.findElements(By.cssSelector(".task-card[data-status=succeeded] img"));
        assertThat(images).hasSize(2);
        wait.until(driver -> images.stream().allMatch(img -> !"0".equals(img.getDomProperty("naturalWidth"))));
        assertThat(images.getFirst().getDomProperty("naturalWidth")).isEqualTo("1920");
        browser.get("http://localhost:" + port + "/app");
        assertThat(browser.findElement(By.cssSelector("[data-testid=spendable]"))
                        .getText())
                .isEqualTo("60");
    }

    @Test
    void aFailedGenerationSaysTheCreditsWereRefunded() {
        browser.findElement(By.id("prompt")).sendKeys("this will [[fail]]");
        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();

        WebElement card = wait.until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector(".task-card[data-status=failed]")));
        assertThat(card.getText()).contains("refunded");
        browser.get("http://localhost:" + port + "/app");
        assertThat(browser.findElement(By.cssSelector("[data-testid=spendable]"))
                        .getText())
                .isEqualTo("100");
    }

    @Test
    void aRequestTheRulesRefuseShowsWhyAndChangesNothing() {
        browser.findElement(By.id("prompt")).sendKeys("too expensive");
        WebElement n = browser.findElement(By.id("n"));
        n.clear();
        n.sendKeys("10");
        new Select(browser.findElement(By.id("size"))).selectByValue("3824x2160");

        browser.findElement(By.cssSelector("#generate button[type=submit]")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("problems"), "enough credits"));
        assertThat(browser.findElements(By.cssSelector(".task-card"))).isEmpty();
    }
}
