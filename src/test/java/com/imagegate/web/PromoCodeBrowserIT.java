package com.imagegate.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.billing.PromoCodes;
import com.imagegate.testsupport.Browsers;
import com.imagegate.testsupport.ChromiumBrowser;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A customer redeems a promo code in Chromium: a mistyped code is refused in place with the reason and changes
 * nothing; the right one, typed in lower case with spaces, adds the credits, the section says how many and the new
 * balance, and the page shows it after a reload; typing it again says it was redeemed already.
 */
@MariaDbIntegrationTest
class PromoCodeBrowserIT {

    private static final Pattern BALANCE = Pattern.compile("Balance: ([0-9,]+) credits");

    @LocalServerPort
    int port;

    @Autowired
    PromoCodes promoCodes;

    @RegisterExtension
    final ChromiumBrowser chromium = new ChromiumBrowser();

    @Test
    void aCustomerRedeemsACodeAndSeesTheBalanceGrow() {
        PromoCodes.Code code =
                promoCodes.create(new PromoCodes.NewCode(null, 1_500, 30, null, 10, false, "browser"), "admin:test");
        ChromeDriver browser = chromium.driver();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        Browsers.signUp(browser, "http://localhost:" + port, "promo-browser@example.com");

        browser.get("http://localhost:" + port + "/app/billing");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("promo-code-form")));
        long before =
                balance(browser.findElement(By.id("balance-alert-current")).getText());

        browser.findElement(By.id("promo-code-input")).sendKeys("NOT-A-REAL-CODE-42");
        browser.findElement(By.cssSelector("#promo-code-form button[type=submit]"))
                .click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("promo-code-error")));
        assertThat(browser.findElement(By.id("promo-code-error")).getText())
                .isEqualTo("This code is not valid. Check what you typed.");
        assertThat(browser.getCurrentUrl()).as("swapped in place by htmx").endsWith("/app/billing");

        var input = browser.findElement(By.id("promo-code-input"));
        input.clear();
        input.sendKeys(spaced(code.code().toLowerCase()));
        browser.findElement(By.cssSelector("#promo-code-form button[type=submit]"))
                .click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("promo-code-notice")));
        String notice = browser.findElement(By.id("promo-code-notice")).getText();
        assertThat(notice).startsWith("Redeemed: 1,500 credits added, valid until");
        assertThat(balance(notice)).isEqualTo(before + 1_500);

        browser.navigate().refresh();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("balance-alert-current")));
        assertThat(balance(browser.findElement(By.id("balance-alert-current")).getText()))
                .isEqualTo(before + 1_500);

        browser.findElement(By.id("promo-code-input")).sendKeys(code.code());
        browser.findElement(By.cssSelector("#promo-code-form button[type=submit]"))
                .click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("promo-code-error")));
        assertThat(browser.findElement(By.id("promo-code-error")).getText())
                .isEqualTo("This workspace has redeemed this code already.");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("balance-alert-current")));
        assertThat(balance(browser.findElement(By.id("balance-alert-current")).getText()))
                .isEqualTo(before + 1_500);
    }

    private static String spaced(String code) {
        return code.substring(0, 4) + " " + code.substring(4, 8) + "-" + code.substring(8);
    }

    private static long balance(String text) {
        Matcher matcher = BALANCE.matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return Long.parseLong(matcher.group(1).replace(",", ""));
    }
}
