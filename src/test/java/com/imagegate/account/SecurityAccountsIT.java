package com.imagegate.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MockOidc;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Accounts against an attacker (issue 18), over real HTTP: provider sign-in cannot take over an account registered by
 * someone else, removed powers end at once, password guessing is counted before it is checked and per client, and
 * mail without SMTP stays out of the log.
 */
@ExtendWith(OutputCaptureExtension.class)
@MariaDbIntegrationTest(
        properties = {
            "imagegate.bootstrap.admin-email=" + SecurityAccountsIT.ADMIN_EMAIL,
            "imagegate.bootstrap.admin-password=" + SecurityAccountsIT.ADMIN_PASSWORD
        })
class SecurityAccountsIT {

    static final String ADMIN_EMAIL = "security-operator@example.com";
    static final String ADMIN_PASSWORD = "security-operator-password-1";
    static final MockOAuth2Server OIDC = MockOidc.start();
    private static final Pattern ADMIN_TOKEN = Pattern.compile("name=\"token\" value=\"(adm_[0-9A-Za-z]+)\"");

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        MockOidc.register(registry, OIDC);
    }

    @AfterAll
    static void stopOidcServer() {
        OIDC.shutdown();
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    Http signedUp(String email, String password) {
        Http http = new Http(port);
        var signUp = http.submitForm("/signup", "/signup", Map.of("email", email, "password", password));
        assertThat(signUp.statusCode()).as(signUp.body()).isEqualTo(302);
        return http;
    }

    Http signedIn(String email, String password) {
        Http http = new Http(port);
        var signIn = http.submitForm("/login", "/login", Map.of("username", email, "password", password));
        assertThat(signIn.headers().firstValue("Location").orElseThrow()).endsWith("/app");
        return http;
    }

    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    String userId(String email) {
        return jdbc().queryForObject("select id from users where email = ?", String.class, email);
    }

    String personalWorkspace(String email) {
        return jdbc().queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by"
                                + " where u.email = ? and w.personal = true",
                        String.class,
                        email);
    }

    static boolean signedOut(HttpResponse<String> response) {
        return response.statusCode() == 302
                && response.headers().firstValue("Location").orElseThrow().endsWith("/login");
    }

    // --- 1. Provider sign-in

    @Test
    void providerSignInIsNotLinkedToAnAccountWhoseEmailWasNeverVerified() {
        String victim = unique("victim");
        // The attacker registers the victim's address first (no SMTP: the account works unverified).
        Http attacker = signedUp(victim, "attacker-password-1");
        String hashBefore =
                jdbc().queryForObject("select password_hash from users where email = ?", String.class, victim);

        var outcome = signInWithMockId(new Http(port), "victim-subject-" + victim, victim);

        assertThat(outcome.headers().firstValue("Location").orElseThrow()).endsWith("/login?oauth-unverified-account");
        assertThat(new Http(port).get("/login?oauth-unverified-account").body())
                .contains("id=\"oauth-unverified-account\"", "never confirmed", "Forgot your password?");
        assertThat(jdbc().queryForObject(
                                "select count(*) from user_identities where subject = ?",
                                Integer.class,
                                "victim-subject-" + victim))
                .isZero();
        assertThat(jdbc().queryForObject("select email_verified from users where email = ?", Boolean.class, victim))
                .isFalse();
        assertThat(jdbc().queryForObject("select password_hash from users where email = ?", String.class, victim))
                .isEqualTo(hashBefore);
        assertThat(attacker.get("/app").statusCode()).isEqualTo(200);
    }

    @Test
    void providerSignInLinksToAnAccountWhoseEmailWasVerified() {
        String owner = unique("linked");
        signedUp(owner, "owner-password-1");
        jdbc().update("update users set email_verified = true where email = ?", owner);

        Http browser = new Http(port);
        var outcome = signInWithMockId(browser, "owner-subject-" + owner, owner);

        assertThat(outcome.headers().firstValue("Location").orElseThrow()).endsWith("/app");
        assertThat(browser.get("/app").body()).contains(owner);
        assertThat(jdbc().queryForObject("select count(*) from users where email = ?", Integer.class, owner))
                .isEqualTo(1);
    }

    /** The authorization-code flow by hand: our redirect to the provider, its redirect back with a code, our answer. */
    HttpResponse<String> signInWithMockId(Http browser, String subject, String email) {
        OIDC.enqueueCallback(new DefaultOAuth2TokenCallback(
                "default", subject, "JWT", List.of("imagegate"), Map.of("email", email, "email_verified", true), 3600));
        var toProvider = browser.get("/oauth2/authorization/mockid");
        assertThat(toProvider.statusCode()).isEqualTo(302);
        var back = browser.getUrl(toProvider.headers().firstValue("Location").orElseThrow());
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        var answer = browser.getUrl(back.headers().firstValue("Location").orElseThrow());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        return answer;
    }

    // --- 2. Powers end with their removal

    @Test
    void aDemotedAdminsOpenSessionsLoseTheConsoleAndCannotGrant() {
        var user = ApiUsers.signUpWithKey(port, "test");
        String userId = userId(user.email());
        String workspace = personalWorkspace(user.email());
        Http operator = signedIn(ADMIN_EMAIL, ADMIN_PASSWORD);
        setRole(operator, userId, "ADMIN");
        Http exAdmin = signedIn(user.email(), "a-good-password");
        assertThat(exAdmin.get("/admin").statusCode()).isEqualTo(200);
        String page = exAdmin.get("/admin/workspaces/" + workspace).body();
        String csrf = exAdmin.csrfToken("/admin/workspaces/" + workspace);
        long before = balance(user.secret());

        setRole(operator, userId, "USER");

        assertThat(signedOut(exAdmin.get("/admin"))).as("the session ended").isTrue();
        var grant = exAdmin.post(
                "/admin/workspaces/" + workspace + "/grant",
                csrf,
                Map.of("credits", "777777", "reason", "after demotion", "token", token(page)));
        assertThat(grant.statusCode()).isIn(302, 403);
        assertThat(grant.headers().firstValue("Location").orElse("")).doesNotContain("/admin/workspaces");
        assertThat(balance(user.secret())).isEqualTo(before);
    }

    @Test
    void theAdminRoleIsReadFromTheDatabaseOnEveryAdminRequest() {
        var user = ApiUsers.signUpWithKey(port, "test");
        String userId = userId(user.email());
        String workspace = personalWorkspace(user.email());
        setRole(signedIn(ADMIN_EMAIL, ADMIN_PASSWORD), userId, "ADMIN");
        Http exAdmin = signedIn(user.email(), "a-good-password");
        String page = exAdmin.get("/admin/workspaces/" + workspace).body();
        String csrf = exAdmin.csrfToken("/admin/workspaces/" + workspace);
        long before = balance(user.secret());

        // Demoted behind the application's back (another node, a database console): the session is still there.
        jdbc().update("update users set role = 'USER' where id = ?", userId);

        assertThat(exAdmin.getPage("/admin").statusCode()).isEqualTo(403);
        assertThat(exAdmin.get("/app").statusCode()).as("still signed in").isEqualTo(200);
        var grant = exAdmin.post(
                "/admin/workspaces/" + workspace + "/grant",
                csrf,
                Map.of("credits", "777777", "reason", "after demotion", "token", token(page)));
        assertThat(grant.statusCode()).isEqualTo(403);
        assertThat(balance(user.secret())).isEqualTo(before);
    }

    @Test
    void changingThePasswordSignsOutEveryOtherSession() {
        String email = unique("changer");
        Http here = signedUp(email, "first-password-1");
        Http elsewhere = signedIn(email, "first-password-1");
        assertThat(elsewhere.get("/app").statusCode()).isEqualTo(200);

        var changed = here.submitForm(
                "/app/settings",
                "/app/settings/password",
                Map.of("currentPassword", "first-password-1", "newPassword", "second-password-2"));
        assertThat(changed.headers().firstValue("Location").orElseThrow()).endsWith("?password-changed");

        assertThat(signedOut(elsewhere.get("/app"))).isTrue();
        assertThat(here.get("/app").statusCode())
                .as("the changing session stays")
                .isEqualTo(200);
    }

    @Test
    void aPasswordResetFromTheOutboxSignsOutEverySessionAndTheLogHasNoToken(CapturedOutput output) {
        String email = unique("resetter");
        Http stolenSession = signedUp(email, "first-password-1");

        new Http(port).submitForm("/forgot-password", "/forgot-password", Map.of("email", email));

        // The mail is in the outbox, for admins only; the log says only that one was kept.
        Http operator = signedIn(ADMIN_EMAIL, ADMIN_PASSWORD);
        assertThat(operator.get("/admin").body()).contains("href=\"/admin/mail\"");
        String outbox = operator.get("/admin/mail").body();
        Matcher link = Pattern.compile(Pattern.quote(email) + "[\\s\\S]*?/reset-password\\?token=([A-Za-z0-9_-]+)")
                .matcher(outbox);
        assertThat(link.find()).as("reset link for " + email + " in the outbox").isTrue();
        String token = link.group(1);
        assertThat(output.getAll())
                .contains("kept in the outbox")
                .doesNotContain(token)
                .doesNotContain("reset-password?token=");
        assertThat(new Http(port).getPage("/admin/mail").statusCode())
                .as("visitors")
                .isEqualTo(302);
        assertThat(stolenSession.getPage("/admin/mail").statusCode())
                .as("users")
                .isEqualTo(403);

        var reset = new Http(port)
                .submitForm(
                        "/reset-password?token=" + token,
                        "/reset-password",
                        Map.of("token", token, "password", "second-password-2"));
        assertThat(reset.headers().firstValue("Location").orElseThrow()).endsWith("/login?reset");

        assertThat(signedOut(stolenSession.get("/app"))).isTrue();
        signedIn(email, "second-password-2");
    }

    @Test
    void deletingTheAccountEndsItsOtherSessions() {
        String email = unique("leaver");
        Http here = signedUp(email, "first-password-1");
        Http elsewhere = signedIn(email, "first-password-1");

        here.submitForm("/app/settings", "/app/settings/delete", Map.of("confirmEmail", email));

        assertThat(signedOut(elsewhere.get("/app"))).isTrue();
        assertThat(jdbc().queryForObject(
                                "select count(*) from SPRING_SESSION where PRINCIPAL_NAME = ?", Integer.class, email))
                .isZero();
    }

    // --- 6. Sign-in throttling

    @Test
    void parallelGuessesAreCountedBeforeCheckingAndTheOwnerElsewhereStillSignsIn() throws Exception {
        String owner = unique("guessed");
        signedUp(owner, "owners-password-1");
        InetAddress attackerAddress = InetAddress.getByName("127.0.0.3");

        var outcomes = Concurrently.run(
                60,
                i -> new Http(port, attackerAddress)
                        .submitForm("/login", "/login", Map.of("username", owner, "password", "guess-" + i))
                        .headers()
                        .firstValue("Location")
                        .orElseThrow());

        assertThat(outcomes)
                .allSatisfy(o -> assertThat(o.succeeded())
                        .as(String.valueOf(o.failure()))
                        .isTrue());
        long checked = outcomes.stream()
                .filter(o -> o.value().endsWith("/login?error"))
                .count();
        long refused = outcomes.stream()
                .filter(o -> o.value().endsWith("/login?throttled"))
                .count();
        assertThat(checked).as("passwords checked").isBetween(1L, 5L);
        assertThat(checked + refused).isEqualTo(60);

        // The attacker's address is slowed even with the right password ...
        var attackerRight = new Http(port, attackerAddress)
                .submitForm("/login", "/login", Map.of("username", owner, "password", "owners-password-1"));
        assertThat(attackerRight.headers().firstValue("Location").orElseThrow()).endsWith("/login?throttled");
        // ... while the owner, from another address, signs in.
        var ownerSignIn = new Http(port, InetAddress.getByName("127.0.0.2"))
                .submitForm("/login", "/login", Map.of("username", owner, "password", "owners-password-1"));
        assertThat(ownerSignIn.headers().firstValue("Location").orElseThrow()).endsWith("/app");
    }

    @Test
    void oneAddressGuessingAcrossManyAccountsIsSlowed() throws UnknownHostException {
        InetAddress sprayer = InetAddress.getByName("127.0.0.4");
        int checked = 0;
        int refused = 0;
        for (int i = 0; i < 25; i++) {
            String location = new Http(port, sprayer)
                    .submitForm("/login", "/login", Map.of("username", unique("sprayed"), "password", "guess-" + i))
                    .headers()
                    .firstValue("Location")
                    .orElseThrow();
            if (location.endsWith("/login?error")) {
                checked++;
            } else if (location.endsWith("/login?throttled")) {
                refused++;
            }
        }
        assertThat(checked).isEqualTo(20);
        assertThat(refused).isEqualTo(5);
    }

    // --- helpers

    void setRole(Http operator, String userId, String role) {
        String csrf = operator.csrfToken("/admin/users/" + userId);
        var changed = operator.post(
                "/admin/users/" + userId + "/role", csrf, Map.of("role", role, "reason", "security test"));
        assertThat(changed.statusCode()).isEqualTo(302);
        assertThat(jdbc().queryForObject("select role from users where id = ?", String.class, userId))
                .isEqualTo(role);
    }

    long balance(String secret) {
        var account = new ApiClient(port).get("/api/v1/account", secret);
        assertThat(account.statusCode()).as(account.body()).isEqualTo(200);
        return ApiClient.json(account).at("/credits/balance").asLong();
    }

    static String token(String page) {
        Matcher token = ADMIN_TOKEN.matcher(page);
        assertThat(token.find()).as("the grant form's token").isTrue();
        return token.group(1);
    }
}
