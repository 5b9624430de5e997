package com.imagegate.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh headless Chromium ({@link Browsers#headlessChromium()}) for each test of a browser IT, quit after it. When
 * the test (or a {@code @BeforeEach}/{@code @AfterEach} method) fails, what the browser showed is saved first, under
 * {@code target/screenshots/failed/<TestClass>.<testMethod>.png} with the page's source next to it ({@code .html}),
 * so a failure on CI can be looked at. Register it on an instance field:
 *
 * <pre>{@code
 * @RegisterExtension
 * final ChromiumBrowser chromium = new ChromiumBrowser();
 * }</pre>
 *
 * It starts before the class's {@code @BeforeEach} methods run and quits after its {@code @AfterEach} methods, so both
 * may use {@link #driver()}.
 */
public final class ChromiumBrowser implements BeforeEachCallback, AfterEachCallback {

    private static final Logger log = LoggerFactory.getLogger(ChromiumBrowser.class);
    static final Path FAILURES = Path.of("target", "screenshots", "failed");

    private ChromeDriver driver;

    /** The browser of the running test. */
    public ChromeDriver driver() {
        if (driver == null) {
            throw new IllegalStateException("No browser outside a test: ChromiumBrowser starts one per test");
        }
        return driver;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        driver = Browsers.headlessChromium();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (driver == null) {
            return;
        }
        try {
            if (context.getExecutionException().isPresent()) {
                saveFailure(driver, name(context));
            }
        } finally {
            driver.quit();
            driver = null;
        }
    }

    /** Saves the screenshot and page source as {@code <name>.png} and {@code <name>.html}; never fails the test. */
    static Optional<Path> saveFailure(ChromeDriver browser, String name) {
        try {
            Path dir = Files.createDirectories(FAILURES);
            Path png = dir.resolve(name + ".png");
            Files.write(png, browser.getScreenshotAs(OutputType.BYTES));
            String source = browser.getPageSource();
            Files.writeString(
                    dir.resolve(name + ".html"),
                    "<!-- " + browser.getCurrentUrl() + " -->\n" + (source == null ? "" : source),
                    StandardCharsets.UTF_8);
            log.warn("Browser test failed; its screen and page source are in {}.png/.html", dir.resolve(name));
            return Optional.of(png);
        } catch (IOException | RuntimeException e) {
            // A browser that crashed cannot be photographed: the test's own failure is what matters.
            log.warn("Could not save the failed test's screenshot {}", name, e);
            return Optional.empty();
        }
    }

    private static String name(ExtensionContext context) {
        String test = context.getRequiredTestClass().getSimpleName() + "."
                + context.getTestMethod().map(m -> m.getName()).orElse("unknown");
        String display = context.getDisplayName();
        // Parameterized or repeated tests: one file per invocation.
        if (!display.equals(context.getRequiredTestMethod().getName() + "()")) {
            test += "-" + display;
        }
        return test.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
