package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.account.UserDeleted;
import com.imagegate.credits.BudgetPeriod;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** API keys end to end over real HTTP against MariaDB: created in the settings page, used as Bearer keys. */
// Some tests here change rows behind the application's back (expiry, suspension): the node's short cache of key and
// workspace lookups is off so they are seen at once. MultiNodeIT and AdminConsoleBrowserIT run with the cache on.
@MariaDbIntegrationTest(properties = "imagegate.auth-cache-ttl=0s")
@Import(ApiKeysIT.ProbeConfiguration.class)
class ApiKeysIT {

    private static final Pattern SECRET = Pattern.compile("ig_(live|test)_[0-9A-Za-z]{43}");

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    PlatformTransactionManager transactions;

    ApiClient api() {
        return new ApiClient(port);
    }

    JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    @Test
    void aNewKeyCallsTheAccountEndpointAndSeesItsOwnWorkspace() {
        var owner = signUp("owner@example.com");
        String secret = createKey(owner, Map.of("name", "CI runner", "mode", "live", "monthlyCreditCap", "5000"));

        var response = api().get("/api/v1/account", secret);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = ApiClient.json(response);
        assertThat(body.at("/object").asString()).isEqualTo("account");
        assertThat(body.at("/id").asString()).isEqualTo(workspaceOf("owner@example.com"));
        assertThat(body.at("/name").asString()).isEqualTo("owner's workspace");
        assertThat(body.at("/plan").asString()).isEqualTo("free");
        assertThat(body.at("/credits/balance").asLong())
                .as("the sign-up credits")
                .isEqualTo(100);
        assertThat(body.at("/rate_limits/requests_per_minute").asInt()).isEqualTo(10);
        assertThat(body.at("/rate_limits/concurrent_tasks").asInt()).isEqualTo(2);
        assertThat(body.at("/api_key/mode").asString()).isEqualTo("live");
        assertThat(body.at("/api_key/monthly_credit_cap").asLong()).isEqualTo(5000);
        assertThat(body.at("/api_key/budget/credits").asLong())
                .as("a cap is a monthly budget")
                .isEqualTo(5000);
        assertThat(body.at("/api_key/budget/period").asString()).isEqualTo("month");
        assertThat(body.at("/api_key/budget/spent").asLong()).isZero();
        assertThat(body.at("/api_key/budget/resets_at").asLong())
                .isEqualTo(BudgetPeriod.MONTH.end(Instant.now()).getEpochSecond());
        assertThat(body.at("/api_key/id").asString()).startsWith("key_");
        assertThat(response.headers().firstValue("Set-Cookie")).as("stateless").isEmpty();

        var row = jdbc().queryForMap(
                        "select * from api_keys where id = ?",
                        body.at("/api_key/id").asString());
        assertThat(row.get("secret_hash")).isEqualTo(sha256Hex(secret));
        assertThat(row.get("prefix")).isEqualTo(secret.substring(0, 12));
        assertThat(row.get("workspace_id")).isEqualTo(workspaceOf("owner@example.com"));
        assertThat(row.values()).noneMatch(v -> v != null && v.toString().contains(secret.substring(12)));
    }

    @Test
    void aTestKeyAuthenticatesInTestMode() {
        var owner = signUp("tester@example.com");
        String secret = createKey(owner, Map.of("name", "sandbox", "mode", "test"));

        assertThat(secret).startsWith("ig_test_");
        var response = api().get("/api/v1/account", secret);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(response).at("/api_key/mode").asString()).isEqualTo("test");
        assertThat(ApiClient.json(response).at("/api_key/monthly_credit_cap").isNull())
                .isTrue();
        assertThat(ApiClient.json(response).at("/api_key/budget").isNull())
                .as("no budget")
                .isTrue();
    }

    @Test
    void aRevokedKeyGets401AtOnceWithTheOpenAiErrorAndABearerChallenge() {
        var owner = signUp("revoker@example.com");
        String secret = createKey(owner, Map.of("name", "to revoke", "mode", "live"));
        assertThat(api().get("/api/v1/account", secret).statusCode()).isEqualTo(200);

        var revoked = owner.submitForm("/app/keys", "/app/keys/" + keyIdOf(secret) + "/revoke", Map.of());
        assertThat(revoked.statusCode()).isEqualTo(302);

        var response = api().get("/api/v1/account", secret);
        assertInvalidApiKey(response);
        assertThat(jdbc().queryForObject(
                                "select count(*) from api_keys where id = ? and revoked_at is not null",
                                Integer.class,
                                keyIdOf(secret)))
                .isOne();
    }

    @Test
    void anExpiredKeyGets401() {
        var owner = signUp("expiry@example.com");
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String secret = createKey(owner, Map.of("name", "short-lived", "mode", "live", "expiresOn", today));
        assertThat(api().get("/api/v1/account", secret).statusCode())
                .as("works through the day it expires on")
                .isEqualTo(200);
        assertThat(jdbc().queryForObject(
                                "select expires_at from api_keys where id = ?", LocalDateTime.class, keyIdOf(secret)))
                .isEqualTo(LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay());

        assertThat(owner.get("/app/keys").body()).contains("End of " + today + " (UTC)");

        jdbc().update(
                        "update api_keys set expires_at = ? where id = ?",
                        LocalDateTime.now(ZoneOffset.UTC).minusSeconds(1),
                        keyIdOf(secret));

        assertInvalidApiKey(api().get("/api/v1/account", secret));
        assertThat(owner.get("/app/keys").body()).contains("Expired");
    }

    @Test
    void missingMalformedAndUnknownKeysGet401() {
        var owner = signUp("unknown@example.com");
        String secret = createKey(owner, Map.of("name", "real", "mode", "live"));
        String last = secret.substring(secret.length() - 1);
        String[] headers = {
            null,
            "",
            "Bearer",
            "Bearer ",
            "Basic dXNlcjpwYXNz",
            "Token " + secret,
            secret,
            "Bearer ig_live_short",
            "Bearer sk-" + secret.substring(3),
            "Bearer " + secret.substring(0, secret.length() - 1) + (last.equals("a") ? "b" : "a"),
            "Bearer ig_test_" + secret.substring(8),
            "Bearer " + secret + " extra",
            "Bearer ' or '1'='1",
            "Bearer ig_live_" + "A".repeat(43),
            "Bearer " + "x".repeat(5_000), // beyond 8 KB Tomcat itself answers 400 before any filter
        };
        for (String header : headers) {
            for (String path : new String[] {"/api/v1/account", "/v1/models", "/api/v1/no-such-route"}) {
                var response = api().send("GET", path, header, null);
                assertThat(response.statusCode()).as("%s with %s", path, header).isEqualTo(401);
                assertInvalidApiKey(response);
            }
        }
        assertThat(api().get("/api/v1/account", secret).statusCode()).isEqualTo(200);
    }

    @Test
    void aSuspendedWorkspaceGets403AccountSuspended() {
        var owner = signUp("suspended@example.com");
        String secret = createKey(owner, Map.of("name", "k", "mode", "live"));
        String workspace = workspaceOf("suspended@example.com");

        jdbc().update("update workspaces set suspended = true where id = ?", workspace);
        var response = api().get("/api/v1/account", secret);

        assertThat(response.statusCode()).isEqualTo(403);
        JsonNode error = ApiClient.json(response).at("/error");
        assertThat(error.at("/code").asString()).isEqualTo("account_suspended");
        assertThat(error.at("/type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.at("/message").asString()).contains("suspended");
        assertThat(response.headers().firstValue("x-request-id")).isPresent();

        jdbc().update("update workspaces set suspended = false where id = ?", workspace);
        assertThat(api().get("/api/v1/account", secret).statusCode()).isEqualTo(200);
    }

    @Test
    void aWorkspaceNeverSeesOrRevokesAnotherWorkspacesKeys() {
        var alice = signUp("alice@example.com");
        var bob = signUp("bob@example.com");
        String aliceKey = createKey(alice, Map.of("name", "alice key", "mode", "live"));
        String bobKey = createKey(bob, Map.of("name", "bob key", "mode", "live"));
        String bobKeyId = keyIdOf(bobKey);

        String alicePage = alice.get("/app/keys").body();
        assertThat(alicePage).contains("alice key").doesNotContain("bob key", bobKeyId, bobKey.substring(0, 12));
        assertThat(alice.get("/app/keys/" + bobKeyId + "/revoke").statusCode()).isEqualTo(404);
        var attempt = alice.submitForm("/app/keys", "/app/keys/" + bobKeyId + "/revoke", Map.of());
        assertThat(attempt.statusCode()).isEqualTo(404);

        assertThat(jdbc().queryForObject(
                                "select count(*) from api_keys where id = ? and revoked_at is null",
                                Integer.class,
                                bobKeyId))
                .isOne();
        var bobCall = api().get("/api/v1/account", bobKey);
        assertThat(bobCall.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(bobCall).at("/id").asString()).isEqualTo(workspaceOf("bob@example.com"));
        assertThat(ApiClient.json(api().get("/api/v1/account", aliceKey))
                        .at("/id")
                        .asString())
                .isEqualTo(workspaceOf("alice@example.com"));
    }

    @Test
    void membersSeeTheKeysButCannotCreateOrRevoke() {
        var owner = signUp("team-owner@example.com");
        String secret = createKey(owner, Map.of("name", "team key", "mode", "live"));
        String workspace = workspaceOf("team-owner@example.com");
        var member = signUp("team-member@example.com");
        jdbc().update(
                        "insert into memberships (id, workspace_id, user_id, role, created_at) values (?, ?, ?, 'MEMBER', ?)",
                        "mem_test_" + System.nanoTime(),
                        workspace,
                        userId("team-member@example.com"),
                        LocalDateTime.now(ZoneOffset.UTC));
        member.submitForm("/app", "/app/workspace", Map.of("workspaceId", workspace));
        int keysBefore = count();

        var page = member.get("/app/keys");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("team key", secret.substring(0, 12) + "…", "Only owners and admins")
                .doesNotContain("create-key-form", "Revoke…");
        var create = member.submitForm("/app/keys", "/app/keys", Map.of("name", "sneaky", "mode", "live"));
        var revoke = member.submitForm("/app/keys", "/app/keys/" + keyIdOf(secret) + "/revoke", Map.of());
        var confirm = member.get("/app/keys/" + keyIdOf(secret) + "/revoke");

        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(revoke.statusCode()).isEqualTo(403);
        assertThat(confirm.statusCode()).isEqualTo(403);
        assertThat(count()).isEqualTo(keysBefore);
        assertThat(api().get("/api/v1/account", secret).statusCode()).isEqualTo(200);
    }

    @Test
    void theKeysPageShowsWhatAKeySpentOfItsWeeklyBudgetAndWhenItResetsToOwnersAndMembers() {
        var owner = signUp("budget-owner@example.com");
        String secret = createKey(
                owner, Map.of("name", "weekly", "mode", "live", "monthlyCreditCap", "5,000", "budgetPeriod", "week"));
        var task = api().send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + secret,
                        "{\"prompt\":\"A budgeted lighthouse\",\"size\":\"1024x1024\"}");
        assertThat(task.statusCode()).as(task.body()).isEqualTo(202);
        Instant monday = BudgetPeriod.WEEK.end(Instant.now());
        String resets = DateTimeFormatter.ofPattern("EEE d MMM HH:mm 'UTC'", Locale.ENGLISH)
                .withZone(ZoneOffset.UTC)
                .format(monday);
        assertThat(resets).startsWith("Mon ").endsWith(" 00:00 UTC");

        assertThat(owner.get("/app/keys").body())
                .contains("10 / 5,000 credits this week", " · resets " + resets, "Budget period");

        var account = ApiClient.json(api().get("/api/v1/account", secret));
        assertThat(account.at("/api_key/monthly_credit_cap").isNull())
                .as("not a monthly budget")
                .isTrue();
        assertThat(account.at("/api_key/budget/credits").asLong()).isEqualTo(5000);
        assertThat(account.at("/api_key/budget/period").asString()).isEqualTo("week");
        assertThat(account.at("/api_key/budget/spent").asLong()).isEqualTo(10);
        assertThat(account.at("/api_key/budget/resets_at").asLong()).isEqualTo(monday.getEpochSecond());

        var member = signUp("budget-member@example.com");
        jdbc().update(
                        "insert into memberships (id, workspace_id, user_id, role, created_at) values (?, ?, ?, 'MEMBER', ?)",
                        "mem_test_" + System.nanoTime(),
                        workspaceOf("budget-owner@example.com"),
                        userId("budget-member@example.com"),
                        LocalDateTime.now(ZoneOffset.UTC));
        member.submitForm("/app", "/app/workspace", Map.of("workspaceId", workspaceOf("budget-owner@example.com")));
        assertThat(member.get("/app/keys").body())
                .contains("10 / 5,000 credits this week", " · resets " + resets)
                .doesNotContain("Budget period", "Revoke…");
    }

    @Test
    void badFormInputGetsAClearMessageAndWritesNothing() {
        var owner = signUp("bad-input@example.com");
        int before = count();
        String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
        String[][] cases = {
            {"", "live", "", "", "Give the key a name"},
            {"   ", "live", "", "", "Give the key a name"},
            {"x".repeat(101), "live", "", "", "at most 100"},
            {"k".repeat(100_000), "live", "", "", "at most 100"},
            {"two\nlines", "live", "", "", "control characters"},
            {"nul\u0000byte", "live", "", "", "control characters"},
            {"rtl\u202Eoverride", "live", "", "", "control characters"},
            {"ok", "", "", "", "Choose live or test"},
            {"ok", "production", "", "", "Choose live or test"},
            {"ok", "live", yesterday, "", "today or later"},
            {"ok", "live", "2020-01-01", "", "today or later"},
            {"ok", "live", "9999-12-31", "", "within 10 years"},
            {"ok", "live", "31/12/2030", "", "YYYY-MM-DD"},
            {"ok", "live", "2030-02-30", "", "YYYY-MM-DD"},
            {"ok", "live", "'; drop table api_keys; --", "", "YYYY-MM-DD"},
            {"ok", "live", "", "-5", "whole number"},
            {"ok", "live", "", "0", "between 1 and"},
            {"ok", "live", "", "1.5", "whole number"},
            {"ok", "live", "", "99999999999999999999", "whole number"},
            {"ok", "live", "", "<script>alert(1)</script>", "whole number"},
            {"ok", "live", "", "100", "a day, a week or a month", "year"},
        };
        for (String[] c : cases) {
            var response = owner.submitForm(
                    "/app/keys",
                    "/app/keys",
                    Map.of(
                            "name",
                            c[0],
                            "mode",
                            c[1],
                            "expiresOn",
                            c[2],
                            "monthlyCreditCap",
                            c[3],
                            "budgetPeriod",
                            c.length > 5 ? c[5] : ""));
            assertThat(response.statusCode()).as(c[4]).isEqualTo(422);
            assertThat(response.body())
                    .as(c[4])
                    .contains(c[4])
                    .doesNotContain("Exception")
                    .doesNotContainPattern(SECRET);
        }
        assertThat(count()).isEqualTo(before);

        var markup = owner.submitForm(
                "/app/keys", "/app/keys", Map.of("name", "<script>alert(1)</script> 🔑 ключ", "mode", "live"));
        assertThat(markup.statusCode()).isEqualTo(200);
        assertThat(markup.body())
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; 🔑 ключ")
                .doesNotContain("<script>alert(1)</script>");
        assertThat(count()).isEqualTo(before + 1);
    }

    @Test
    void everyApiResponseCarriesARequestId() {
        var owner = signUp("request-id@example.com");
        String secret = createKey(owner, Map.of("name", "k", "mode", "live"));

        var ok = api().get("/api/v1/account", secret);
        var unauthorized = api().get("/api/v1/account", null);
        var notFound = api().get("/api/v1/nope", secret);
        var wrongMethod = api().send("DELETE", "/api/v1/account", "Bearer " + secret, null);
        for (var response : List.of(ok, unauthorized, notFound, wrongMethod)) {
            assertThat(response.headers().firstValue("x-request-id"))
                    .as("status %d", response.statusCode())
                    .hasValueSatisfying(id -> assertThat(id).matches("req_[0-9a-z]{24}"));
        }
        assertThat(ok.headers().firstValue("x-request-id"))
                .isNotEqualTo(unauthorized.headers().firstValue("x-request-id"));

        var traced = api().send("GET", "/api/v1/account", "Bearer " + secret, null, "x-request-id", "client-trace-42");
        assertThat(traced.headers().firstValue("x-request-id")).hasValue("client-trace-42");
        var forged = api().send("GET", "/api/v1/account", null, null, "x-request-id", "<img src=x onerror=alert(1)>");
        assertThat(forged.headers().firstValue("x-request-id"))
                .hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        assertThat(owner.get("/app/keys").headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void apiErrorsAreOpenAiJsonAndNeverCarryStackTraces() {
        var owner = signUp("errors@example.com");
        String auth = "Bearer " + createKey(owner, Map.of("name", "k", "mode", "live"));

        var unknownRoute = api().send("GET", "/api/v1/nope", auth, null);
        var unknownDropIn = api().send("GET", "/v1/nope", auth, null);
        var wrongMethod = api().send("POST", "/api/v1/account", auth, "{}");
        var malformedJson = api().send("POST", "/api/v1/test-probe/echo", auth, "{\"prompt\": \"unterminated");
        var wrongType = api().send("POST", "/api/v1/test-probe/echo", auth, "[1, 2]");
        var crash = api().send("GET", "/api/v1/test-probe/boom", auth, null);
        var echo = api().send("POST", "/api/v1/test-probe/echo", auth, "{\"a\": 1}");

        assertError(unknownRoute, 404, "invalid_request_error", "not_found");
        assertThat(ApiClient.json(unknownRoute).at("/error/message").asString()).contains("GET /api/v1/nope");
        assertError(unknownDropIn, 404, "invalid_request_error", "not_found");
        assertError(wrongMethod, 405, "invalid_request_error", "method_not_allowed");
        assertThat(wrongMethod.headers().firstValue("Allow"))
                .hasValueSatisfying(a -> assertThat(a).contains("GET"));
        assertError(malformedJson, 400, "invalid_request_error", "invalid_json");
        assertError(wrongType, 400, "invalid_request_error", "invalid_json");
        assertError(crash, 500, "server_error", "server_error");
        assertThat(crash.body()).doesNotContain("secret detail", "IllegalStateException");
        assertThat(echo.statusCode()).as("the probe itself works").isEqualTo(200);
    }

    @Test
    void lastUseIsRecordedWithItsAddressAtMostOncePerMinute() {
        var owner = signUp("last-used@example.com");
        String secret = createKey(owner, Map.of("name", "busy", "mode", "live"));
        String keyId = keyIdOf(secret);
        assertThat(lastUsedAt(keyId)).isNull();

        assertThat(api().get("/api/v1/account", secret).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> lastUsedAt(keyId) != null);
        LocalDateTime first = lastUsedAt(keyId);
        assertThat(jdbc().queryForObject("select last_used_ip from api_keys where id = ?", String.class, keyId))
                .isIn("127.0.0.1", "0:0:0:0:0:0:0:1");

        for (int i = 0; i < 5; i++) {
            assertThat(api().get("/api/v1/account", secret).statusCode()).isEqualTo(200);
        }
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> first.equals(lastUsedAt(keyId)));
        assertThat(owner.get("/app/keys").body()).contains("from 127.0.0.1");
    }

    @Test
    void deletingAUserRevokesTheirKeysInTheDeletingTransaction() {
        var leaver = signUp("leaver@example.com");
        String secret = createKey(leaver, Map.of("name", "leaver key", "mode", "live"));
        var stayer = signUp("stayer@example.com");
        String stayerSecret = createKey(stayer, Map.of("name", "stayer key", "mode", "live"));
        var deleted = new UserDeleted(userId("leaver@example.com"), workspaceOf("leaver@example.com"));

        var rolledBack = new TransactionTemplate(transactions);
        rolledBack.executeWithoutResult(status -> {
            events.publishEvent(deleted);
            status.setRollbackOnly();
        });
        assertThat(api().get("/api/v1/account", secret).statusCode())
                .as("a deletion that rolls back revokes nothing")
                .isEqualTo(200);

        new TransactionTemplate(transactions).executeWithoutResult(status -> events.publishEvent(deleted));

        assertInvalidApiKey(api().get("/api/v1/account", secret));
        assertThat(api().get("/api/v1/account", stayerSecret).statusCode()).isEqualTo(200);
    }

    // --- helpers

    private void assertInvalidApiKey(HttpResponse<String> response) {
        assertError(response, 401, "invalid_request_error", "invalid_api_key");
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(response.headers().firstValue("Location")).as("no redirect").isEmpty();
        assertThat(response.headers().firstValue("Set-Cookie")).as("no session").isEmpty();
    }

    private static void assertError(HttpResponse<String> response, int status, String type, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
        JsonNode body = ApiClient.json(response);
        assertThat(body.properties()).hasSize(1);
        assertThat(body.at("/error/type").asString()).isEqualTo(type);
        assertThat(body.at("/error/code").asString()).isEqualTo(code);
        assertThat(body.at("/error/message").asString()).isNotBlank();
        assertThat(body.at("/error").has("param")).isTrue();
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "at com.", "at org.", "trace", "<html");
    }

    private Http signUp(String email) {
        var http = new Http(port);
        var response = http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
        assertThat(response.statusCode()).as("sign-up of %s", email).isEqualTo(302);
        return http;
    }

    private static String createKey(Http owner, Map<String, String> fields) {
        var response = owner.submitForm("/app/keys", "/app/keys", fields);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Matcher secret = SECRET.matcher(response.body());
        assertThat(secret.find()).as("the secret is on the page").isTrue();
        String found = secret.group();
        assertThat(secret.find()).as("exactly once").isFalse();
        return found;
    }

    private String keyIdOf(String secret) {
        return jdbc().queryForObject("select id from api_keys where secret_hash = ?", String.class, sha256Hex(secret));
    }

    private String workspaceOf(String email) {
        return jdbc().queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by"
                                + " where u.email = ? and w.personal = true",
                        String.class,
                        email);
    }

    private String userId(String email) {
        return jdbc().queryForObject("select id from users where email = ?", String.class, email);
    }

    private LocalDateTime lastUsedAt(String keyId) {
        return jdbc().queryForObject("select last_used_at from api_keys where id = ?", LocalDateTime.class, keyId);
    }

    private int count() {
        return Objects.requireNonNull(jdbc().queryForObject("select count(*) from api_keys", Integer.class));
    }

    private static String sha256Hex(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Routes that exist only in this test, to reach the error paths no production route has yet. */
    @TestConfiguration(proxyBeanMethods = false)
    static class ProbeConfiguration {
        @Bean
        Probe testProbe() {
            return new Probe();
        }
    }

    @RestController
    static class Probe {
        @PostMapping("/api/v1/test-probe/echo")
        Map<String, Object> echo(@RequestBody Map<String, Object> body) {
            return body;
        }

        @GetMapping("/api/v1/test-probe/boom")
        String boom() {
            throw new IllegalStateException("secret detail that must not leak");
        }
    }
}
