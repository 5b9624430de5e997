package com.imagegate.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium for browser tests, from the machine's packages: nothing is downloaded at test time. The driver is
 * {@code webdriver.chrome.driver} when set, else {@code chromedriver} on the PATH; the browser is {@code
 * chromium} on the PATH (or {@code CHROME_BIN}).
 */
public final class Browsers {

    private Browsers() {}

    public static ChromeDriver headlessChromium() {
        String driver = Optional.ofNullable(System.getProperty("webdriver.chrome.driver"))
                .or(() -> onPath("chromedriver"))
                .orElseThrow(() -> new IllegalStateException(
                        "chromedriver not found: install chromium-driver or set -Dwebdriver.chrome.driver"));
        ChromeOptions options = new ChromeOptions();
        Optional.ofNullable(System.getenv("CHROME_BIN"))
                .or(() -> onPath("chromium"))
                .or(() -> onPath("chromium-browser"))
                .ifPresent(options::setBinary);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                "--window-size=1280,900",
                "--user-data-dir=" + tempDir());
        // The console's messages (e.g. Content-Security-Policy refusals) can be read by tests.
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(driver).toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return browser;
    }

    /** Signs a new person up through the sign-up form and waits until the app has taken them in. */
    public static void signUp(ChromeDriver browser, String baseUrl, String email) {
        browser.get(baseUrl + "/signup");
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys("a-good-password");
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/app"));
    }

    private static Optional<String> onPath(String name) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst();
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("imagegate-chromium").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
