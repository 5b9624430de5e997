package com.imagegate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;

/** Saves what the browser shows under {@code target/screenshots/}: the README's pictures come from there. */
public final class Screenshots {

    private Screenshots() {}

    public static Path save(TakesScreenshot browser, String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "screenshots"));
            Path file = dir.resolve(name + ".png");
            if (browser instanceof JavascriptExecutor js) {
                js.executeScript("window.scrollTo(0, 0)");
            }
            Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
