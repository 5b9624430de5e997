package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MutableClock;
import com.imagegate.testsupport.WorkspaceOwner;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The workspace's daily credit limit per end user, as API callers and owners see it: set on {@code /app/usage}, counted
 * per {@code user} and UTC day, refused with 429 {@code user_quota_exceeded} on {@code /api/v1} and the drop-in
 * {@code /v1}. (Parallel requests: {@link UserQuotaConcurrencyIT}.)
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.sandbox.delay=0ms",
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=100"
        })
@Import(MutableClock.Config.class)
class UserQuotaIT {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    DataSource dataSource;

    ApiClient api() {
        return new ApiClient(port);
    }

    HttpResponse<String> create(String secret, String prompt, String user) {
        return api().send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + secret,
                        "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\""
                                + (user == null ? "" : ",\"user\":\"" + user + "\"") + "}");
    }

    /** Creates a task, which must be accepted, and waits for its end; returns its status. */
    String ended(String secret, String prompt, String user) {
        var accepted = create(secret, prompt, user);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = ApiClient.json(accepted).path("id").asString();
        var task = api().get("/api/v1/images/tasks/" + id + "?wait=30", secret);
        return ApiClient.json(task).path("status").asString();
    }

    static void assertQuotaRefusal(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
        var error = ApiClient.json(response).path("error");
        assertThat(error.path("code").asString()).isEqualTo("user_quota_exceeded");
        assertThat(error.path("param").asString()).isEqualTo("user");
        assertThat(response.headers().firstValue("x-should-retry")).contains("false");
    }

    @Test
    void aUserOverTheLimitIsRefusedWhileOtherUsersRequestsWithoutUserAndTestKeysAreNot() {
        var owner = WorkspaceOwner.signUp(port, "live");
        assertThat(owner.setDailyUserQuota("20").statusCode()).isEqualTo(302);

        assertThat(ended(owner.secret(), "first", "alice")).isEqualTo("succeeded");
        // A failed task gives its credits back to the user's day, as to the balance.
        assertThat(ended(owner.secret(), "this will [[fail]]", "alice")).isEqualTo("failed");
        assertThat(ended(owner.secret(), "second", "alice")).isEqualTo("succeeded");

        var refused = create(owner.secret(), "third", "alice");
        assertQuotaRefusal(refused);
        assertThat(ApiClient.json(refused).path("error").path("message").asString())
                .contains("used 20 of the 20 credits");
        // Nothing was written for the refusal: alice has her 3 tasks (the failed one among them).
        var alices = ApiClient.json(api().get("/api/v1/images/tasks?user=alice&limit=100", owner.secret()));
        assertThat(alices.path("data").size()).isEqualTo(3);

        // Another user of the workspace, a request without a user, and a free test key are not limited.
        assertThat(ended(owner.secret(), "bob's", "bob")).isEqualTo("succeeded");
        assertThat(ended(owner.secret(), "nobody's", null)).isEqualTo("succeeded");
        assertThat(ended(owner.newKey("test"), "free", "alice")).isEqualTo("succeeded");

        // Spent: 100 − alice 20 − bob 10 − no user 10 (the refusal held nothing, the test key costs nothing).
        var account = ApiClient.json(api().get("/api/v1/account", owner.secret()));
        assertThat(account.path("credits").path("balance").asLong()).isEqualTo(60);

        // Removing the limit (an empty field) lets alice go on.
        assertThat(owner.setDailyUserQuota("").statusCode()).isEqualTo(302);
        assertThat(create(owner.secret(), "unlimited", "alice").statusCode()).isEqualTo(202);
    }

    @Test
    void theDayRollsOverAtMidnightUtc() {
        var owner = WorkspaceOwner.signUp(port, "live");
        assertThat(owner.setDailyUserQuota("10").statusCode()).isEqualTo(302);
        // 30 seconds before the next midnight, UTC.
        var midnight = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                .plusDays(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        clock.advance(Duration.between(clock.instant(), midnight).minusSeconds(30));

        assertThat(ended(owner.secret(), "late", "alice")).isEqualTo("succeeded");
        var refused = create(owner.secret(), "too late", "alice");
        assertQuotaRefusal(refused);
        assertThat(refused.headers().firstValue("retry-after")).contains("30");

        clock.advance(Duration.ofSeconds(30));
        assertThat(ended(owner.secret(), "a new day", "alice")).isEqualTo("succeeded");
        assertQuotaRefusal(create(owner.secret(), "again", "alice"));
    }

    @Test
    void theDropInRefusesAUserOverTheLimitWithTheSameCode() {
        var owner = WorkspaceOwner.signUp(port, "live");
        assertThat(owner.setDailyUserQuota("10").statusCode()).isEqualTo(302);
        String body = "{\"prompt\":\"a fox\",\"size\":\"1024x1024\",\"user\":\"carol\",\"response_format\":\"url\"}";

        var first = api().send("POST", "/v1/images/generations", "Bearer " + owner.secret(), body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        var second = api().send("POST", "/v1/images/generations", "Bearer " + owner.secret(), body);
        assertQuotaRefusal(second);
        assertThat(ApiClient.json(second).path("error").path("type").asString()).isEqualTo("insufficient_quota");
        assertThat(second.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void malformedLimitsAreRefusedWithAClearErrorAndNothingIsSaved() {
        var owner = WorkspaceOwner.signUp(port, "live");
        assertThat(owner.http().get("/app/usage").body()).contains("no limit");
        assertThat(owner.setDailyUserQuota("1,000").statusCode()).isEqualTo(302);
        assertThat(owner.http().get("/app/usage?quota-saved").body())
                .contains("1,000 credits per user per day")
                .contains("Saved.");

        for (String typed : new String[] {"ten", "-5", "1.5", "10e3", "99999999999999", "5 credits"}) {
            var refused = owner.setDailyUserQuota(typed);
            assertThat(refused.statusCode()).as(typed).isEqualTo(422);
            assertThat(refused.body())
                    .as(typed)
                    .contains("id=\"daily-credit-limit-error\"")
                    .containsAnyOf("must be a whole number of credits", "at most 1,000,000,000,000")
                    // The saved limit is still shown, and the field keeps what was typed.
                    .contains("1,000 credits per user per day")
                    .contains("value=\"" + typed + "\"");
        }
        // htmx gets the section alone, with the error.
        var htmx = owner.http()
                .postWithHeaders(
                        "/app/usage/user-quota",
                        owner.http().csrfToken("/app/usage"),
                        Map.of("dailyCreditLimit", "lots"),
                        Map.of("HX-Request", "true"));
        assertThat(htmx.statusCode()).isEqualTo(422);
        assertThat(htmx.body()).startsWith("<div id=\"spend-control\"").contains("must be a whole number");

        // Still 1,000: enforced as saved (100 credits of sign-up grant are far below it).
        for (int i = 0; i < 2; i++) {
            assertThat(create(owner.secret(), "fine " + i, "dave").statusCode()).isEqualTo(202);
        }
        assertThat(owner.http().get("/app/usage").body()).contains("1,000 credits per user per day");
    }

    @Test
    void membersSeeTheLimitButCannotChangeIt() {
        var owner = WorkspaceOwner.signUp(port, "live");
        assertThat(owner.setDailyUserQuota("40").statusCode()).isEqualTo(302);
        var member = WorkspaceOwner.signUp(port, "live");
        var jdbc = new JdbcTemplate(dataSource);
        String workspace = jdbc.queryForObject(
                "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ?",
                String.class,
                owner.email());
        jdbc.update(
                "insert into memberships (id, workspace_id, user_id, role, created_at)"
                        + " select ?, ?, id, 'MEMBER', ? from users where email = ?",
                "mem_test_" + System.nanoTime(),
                workspace,
                Timestamp.from(Instant.now()),
                member.email());
        member.http().submitForm("/app", "/app/workspace", Map.of("workspaceId", workspace));

        var page = member.http().get("/app/usage");
        assertThat(page.body())
                .contains("40 credits per user per day", "Only owners and admins")
                .doesNotContain("user-quota-form");
        assertThat(member.setDailyUserQuota("999999").statusCode()).isEqualTo(403);
        assertThat(owner.http().get("/app/usage").body()).contains("40 credits per user per day");
    }
}
