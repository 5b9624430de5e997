package com.imagegate.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ChromiumBrowser;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What a visitor sees in a real browser. */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.bootstrap.admin-email=admin@imagegate.test",
            "imagegate.bootstrap.admin-password=" + LandingPageBrowserIT.ADMIN_PASSWORD
        })
class LandingPageBrowserIT {

    static final String ADMIN_PASSWORD = "browser-test-password-1";

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
    void visitorSeesWhatImagegateIsAndWhereToGo() {
        browser.get("http://localhost:" + port + "/");

        assertThat(browser.getTitle()).contains("Imagegate");
        assertThat(browser.findElement(By.tagName("h1")).getText()).containsIgnoringCase("images");
        WebElement nav = browser.findElement(By.cssSelector("nav[aria-label=Main]"));
        assertThat(nav.findElements(By.tagName("a")))
                .extracting(WebElement::getText)
                .contains("Pricing", "Docs", "Sign in");
        assertThat(browser.findElement(By.cssSelector(".price-callout")).getText())
                .contains("10 credits per image");
        assertThat(browser.findElements(By.cssSelector(".sample-grid img")))
                .hasSize(4)
                .allSatisfy(
                        img -> assertThat(img.getDomProperty("naturalWidth")).isNotEqualTo("0"));
        assertThat(browser.findElement(By.cssSelector("link[rel=stylesheet]")).getDomAttribute("href"))
                .isEqualTo("/css/app.css");
        assertThat(browser.findElement(By.tagName("body")).getCssValue("background-color"))
                .as("our stylesheet is applied: the light palette, as the browser prefers light")
                .isEqualTo("rgba(247, 248, 251, 1)");
        // The same page in a browser that prefers dark gets the dark palette.
        browser.executeCdpCommand(
                "Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        assertThat(browser.findElement(By.tagName("body")).getCssValue("background-color"))
                .isEqualTo("rgba(15, 17, 21, 1)");
    }

    @Test
    void visitorFindsThePriceTableOnThePricingPage() {
        browser.get("http://localhost:" + port + "/");

        browser.findElement(By.linkText("Pricing")).click();
        wait.until(ExpectedConditions.titleContains("Pricing"));

        String table = browser.findElement(By.cssSelector(".price-table")).getText();
        assertThat(table).contains("1024x1024 10", "1920x1088 20", "3824x2160 30", "Image enhancement 10");
        assertThat(browser.findElements(By.cssSelector(".card.plan h3")))
                .extracting(WebElement::getText)
                .containsExactly("Free", "Pro", "Max");
        assertThat(browser.findElement(By.cssSelector(".notice")).getText()).contains("Payments are not configured");
    }

    @Test
    void visitorSignsUpAndSeesTheirFreeCreditsOnTheDashboard() {
        browser.get("http://localhost:" + port + "/");
        browser.findElement(By.cssSelector(".hero .button")).click();
        wait.until(ExpectedConditions.titleContains("Create your account"));

        browser.findElement(By.id("email")).sendKeys("browser.signup@example.com");
        browser.findElement(By.id("password")).sendKeys("a-good-password");
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();

        wait.until(ExpectedConditions.urlContains("/app"));
        assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
                .contains("Welcome");
        assertThat(browser.findElement(By.cssSelector("[data-testid=spendable]"))
                        .getText())
                .isEqualTo("100");
        assertThat(browser.findElement(By.cssSelector(".lots")).getText()).contains("Signup");
    }

    @Test
    void bootstrapAdminSignsInAndOut() {
        browser.get("http://localhost:" + port + "/");
        browser.findElement(By.linkText("Sign in")).click();
        wait.until(ExpectedConditions.titleContains("Sign in"));

        browser.findElement(By.id("username")).sendKeys("admin@imagegate.test");
        browser.findElement(By.id("password")).sendKeys(ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector(".nav-user"), "admin@imagegate.test"));
        browser.findElement(By.xpath("//button[text()='Sign out']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[role=status]"), "signed out"));
        assertThat(browser.findElements(By.cssSelector(".nav-user"))).isEmpty();
    }
}
