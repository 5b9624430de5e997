package com.imagegate.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.Browsers;
import com.imagegate.testsupport.ChromiumBrowser;
import com.imagegate.testsupport.FakeStripe;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A person buys the Standard pack in a real browser; the credits arrive with Stripe's webhook, not the redirect. */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.billing.stripe.secret-key=sk_test_fake",
            "imagegate.billing.stripe.webhook-secret=" + FakeStripe.WEBHOOK_SECRET
        })
class StripeCheckoutBrowserIT {

    static final FakeStripe STRIPE = new FakeStripe();

    @DynamicPropertySource
    static void stripe(DynamicPropertyRegistry registry) {
        registry.add("imagegate.billing.stripe.api-base", STRIPE::baseUrl);
        registry.add("imagegate.billing.stripe.hosted-page-origins", STRIPE::baseUrl);
    }

    @AfterAll
    static void stopStripe() {
        STRIPE.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    Clock clock;

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
    void visitorSignsUpBuysTheStandardPackAndSeesItOnceTheWebhookLands() {
        String app = "http://localhost:" + port;
        Browsers.signUp(browser, app, "browser.buyer@example.com");

        browser.findElement(By.linkText("Pricing")).click();
        wait.until(ExpectedConditions.titleContains("Pricing"));
        browser.findElement(By.xpath("//button[text()='Buy Standard pack']")).click();

        wait.until(ExpectedConditions.titleIs("Fake Stripe Checkout"));
        String url = browser.getCurrentUrl();
        assertThat(url).startsWith(STRIPE.baseUrl() + "/checkout/cs_test_");
        String session = url.substring(url.lastIndexOf('/') + 1);

        // Stripe sends the customer back before (or while) it delivers the webhook.
        STRIPE.payPackCheckout(session);
        browser.get(app + "/app/billing/success?session_id=" + session);
        assertThat(browser.findElement(By.id("checkout-status")).getText()).contains("credits are arriving");

        assertThat(STRIPE.send(port, clock, "checkout.session.completed", session)
                        .statusCode())
                .isEqualTo(200);
        wait.until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("checkout-status"), "purchase is complete"));

        browser.findElement(By.linkText("Dashboard")).click();
        wait.until(ExpectedConditions.titleContains("Dashboard"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=spendable]"))
                        .getText())
                .isEqualTo("7,800");
        assertThat(browser.findElement(By.cssSelector(".lots")).getText()).contains("Pack");
    }
}
