package com.imagegate.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ChromiumBrowser;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MockOidc;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Sign-in with an OIDC provider through the real redirect flow, against a real local OIDC server. */
@MariaDbIntegrationTest
class OidcSignInBrowserIT {

    static final MockOAuth2Server OIDC = MockOidc.start();

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        MockOidc.register(registry, OIDC);
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @RegisterExtension
    final ChromiumBrowser chromium = new ChromiumBrowser();

    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        browser = chromium.driver();
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopOidcServer() {
        OIDC.shutdown();
    }

    void nextSignInIs(String subject, String email, boolean verified) {
        OIDC.enqueueCallback(new DefaultOAuth2TokenCallback(
                "default",
                subject,
                "JWT",
                List.of("imagegate"),
                Map.of("email", email, "email_verified", verified),
                3600));
    }

    void signInWithMockId() {
        browser.get("http://localhost:" + port + "/login");
        browser.findElement(By.linkText("Sign in with Mock ID")).click();
    }

    int count(String sql, Object... args) {
        return new JdbcTemplate(dataSource).queryForObject(sql, Integer.class, args);
    }

    @Test
    void newPersonSignsInWithTheProviderAndGetsAnAccount() {
        nextSignInIs("subject-new-1", "Oidc.New@Example.com", true);

        signInWithMockId();

        wait.until(ExpectedConditions.urlContains("/app"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector(".nav-user"), "oidc.new@example.com"));
        assertThat(count("select count(*) from users where email = 'oidc.new@example.com' and password_hash is null"))
                .isEqualTo(1);
        assertThat(count(
                        "select count(*) from user_identities where provider = 'mockid' and subject = 'subject-new-1'"))
                .isEqualTo(1);
        assertThat(
                        count(
                                "select count(*) from workspaces w join users u on u.id = w.created_by where u.email = 'oidc.new@example.com' and w.personal = true"))
                .isEqualTo(1);
    }

    @Test
    void sameVerifiedEmailLinksToTheExistingAccountInsteadOfMakingASecond() {
        new Http(port)
                .submitForm(
                        "/signup", "/signup", Map.of("email", "both.ways@example.com", "password", "a-good-password"));
        // Without SMTP the address was never confirmed; an account whose address was confirmed is linked.
        new JdbcTemplate(dataSource)
                .update("update users set email_verified = true where email = 'both.ways@example.com'");
        nextSignInIs("subject-link-2", "both.ways@example.com", true);

        signInWithMockId();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector(".nav-user"), "both.ways@example.com"));

        assertThat(count("select count(*) from users where email = 'both.ways@example.com'"))
                .isEqualTo(1);
        assertThat(
                        count(
                                "select count(*) from workspaces w join users u on u.id = w.created_by where u.email = 'both.ways@example.com'"))
                .isEqualTo(1);
        browser.get("http://localhost:" + port + "/app/settings");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("mockid");
    }

    @Test
    void unverifiedProviderEmailIsRefusedAndCreatesNothing() {
        nextSignInIs("subject-unverified-3", "unverified@example.com", false);

        signInWithMockId();

        wait.until(ExpectedConditions.urlContains("/login?oauth-error"));
        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                .contains("verified");
        assertThat(count("select count(*) from users where email = 'unverified@example.com'"))
                .isZero();
    }
}
