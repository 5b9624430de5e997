package com.imagegate.api;

import static com.imagegate.api.UserQuotaIT.assertQuotaRefusal;
import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.WorkspaceOwner;
import java.net.http.HttpResponse;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An API key's own daily credit limit per end user, set with the key on {@code /app/keys}: it replaces the workspace's
 * default (below or above it, 0 included) for requests made with that key, counts the user's credits of the day in the
 * whole workspace, shows in the key list and {@code GET /api/v1/account}, and is what the quote answers. (Parallel
 * requests: {@link UserQuotaConcurrencyIT}.)
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.sandbox.delay=0ms",
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=100"
        })
class KeyUserQuotaIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    ApiClient api() {
        return new ApiClient(port);
    }

    HttpResponse<String> create(String secret, String prompt, String user) {
        return api().send("POST", "/api/v1/images/generations", "Bearer " + secret, body(prompt, user));
    }

    HttpResponse<String> quote(String secret, String user) {
        return api().send("POST", "/api/v1/images/quote", "Bearer " + secret, body("a quote", user));
    }

    static String body(String prompt, String user) {
        return "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\""
                + (user == null ? "" : ",\"user\":\"" + user + "\"") + "}";
    }

    void accepted(String secret, String prompt, String user) {
        var response = create(secret, prompt, user);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    /** A refusal by the key's limit, which the quote predicted and which wrote nothing. */
    void refusedByTheKey(WorkspaceOwner owner, String secret, String user, String message) {
        var predicted = ApiClient.json(quote(secret, user));
        assertThat(predicted.path("accepted").asBoolean()).isFalse();
        assertThat(predicted.path("code").asString()).isEqualTo("user_quota_exceeded");
        int tasksBefore = tasks(owner);
        long balanceBefore = balance(owner);
        var refused = create(secret, "over the key's limit", user);
        assertQuotaRefusal(refused);
        assertThat(ApiClient.json(refused).path("error").path("message").asString())
                .contains(message)
                .isEqualTo(predicted.path("message").asString());
        assertThat(tasks(owner)).isEqualTo(tasksBefore);
        assertThat(balance(owner)).isEqualTo(balanceBefore);
    }

    @Test
    void aKeysOwnLimitBelowOrAboveTheDefaultDecidesForItsRequestsAndOtherKeysKeepTheDefault() {
        var owner = WorkspaceOwner.signUp(port, "live");
        assertThat(owner.setDailyUserQuota("20").statusCode()).isEqualTo(302); // two tasks a user a day
        String low = owner.newKeyWithUserLimit("10"); // one
        String high = owner.newKeyWithUserLimit("40"); // four

        // Below the default: alice's second task is refused through the low key...
        assertThat(ApiClient.json(quote(low, "alice")).path("accepted").asBoolean())
                .isTrue();
        accepted(low, "alice 1", "alice");
        refusedByTheKey(owner, low, "alice", "used 10 of the 10 credits a user may spend per day with this API key");
        // ... but not through the workspace's default key (the same day's 10 credits count there too)...
        accepted(owner.secret(), "alice 2", "alice");
        var atDefault = create(owner.secret(), "alice over the default", "alice");
        assertQuotaRefusal(atDefault);
        assertThat(ApiClient.json(atDefault).path("error").path("message").asString())
                .contains("used 20 of the 20 credits a user may spend per day in this workspace");
        // ... and above the default the high key lets her go on to 40.
        assertThat(ApiClient.json(quote(high, "alice")).path("accepted").asBoolean())
                .isTrue();
        accepted(high, "alice 3", "alice");
        accepted(high, "alice 4", "alice");
        refusedByTheKey(owner, high, "alice", "used 40 of the 40 credits");
        // Other users and requests without a user are not affected by alice's day.
        accepted(low, "bob 1", "bob");
        accepted(low, "nobody", null);

        // 100 − 6 tasks × 10; six tasks, the refusals wrote nothing.
        assertThat(balance(owner)).isEqualTo(40);
        assertThat(tasks(owner)).isEqualTo(6);

        // The key list and the account endpoint show each key's limit.
        assertThat(owner.http().get("/app/keys").body())
                .contains("10 credits per user per day", "40 credits per user per day", "Workspace default");
        assertThat(account(low).at("/api_key/user_daily_credit_limit").asLong()).isEqualTo(10);
        assertThat(account(high).at("/api_key/user_daily_credit_limit").asLong())
                .isEqualTo(40);
        assertThat(account(owner.secret())
                        .at("/api_key/user_daily_credit_limit")
                        .isNull())
                .isTrue();
    }

    @Test
    void aKeyWithLimitZeroLetsNoEndUserSpendAndAKeyLimitAppliesWithoutAWorkspaceDefault() {
        var owner = WorkspaceOwner.signUp(port, "live"); // no workspace default
        String none = owner.newKeyWithUserLimit("0");
        String one = owner.newKeyWithUserLimit("10");

        refusedByTheKey(owner, none, "alice", "used 0 of the 0 credits a user may spend per day with this API key");
        refusedByTheKey(owner, none, "bob", "used 0 of the 0 credits");
        // A request without a user is not an end user's: the limit does not apply to it.
        accepted(none, "server-side", null);

        accepted(one, "alice 1", "alice");
        refusedByTheKey(owner, one, "alice", "used 10 of the 10 credits");
        // The workspace's default key has no limit at all.
        accepted(owner.secret(), "alice unlimited", "alice");
        accepted(owner.secret(), "alice unlimited 2", "alice");
        assertThat(balance(owner)).isEqualTo(60);
    }

    @Test
    void aKeysLimitCountsOnlyItsOwnWorkspacesTasksAndOnlyItsOwnWorkspaceSeesIt() {
        var acme = WorkspaceOwner.signUp(port, "live");
        var globex = WorkspaceOwner.signUp(port, "live");
        String acmeKey = acme.newKeyWithUserLimit("10");
        String globexKey = globex.newKeyWithUserLimit("10");

        accepted(acmeKey, "acme's alice", "alice");
        refusedByTheKey(acme, acmeKey, "alice", "used 10 of the 10 credits");
        // The same user id in another workspace has a day of its own.
        assertThat(ApiClient.json(quote(globexKey, "alice")).path("accepted").asBoolean())
                .isTrue();
        accepted(globexKey, "globex's alice", "alice");
        refusedByTheKey(globex, globexKey, "alice", "used 10 of the 10 credits");
        assertThat(tasks(acme)).isEqualTo(1);
        assertThat(tasks(globex)).isEqualTo(1);

        // Neither workspace's key list shows the other's limited key.
        String acmeKeyId = account(acmeKey).at("/api_key/id").asString();
        assertThat(globex.http().get("/app/keys").body()).doesNotContain(acmeKeyId);
        assertThat(globex.http().get("/app/keys/" + acmeKeyId + "/revoke").statusCode())
                .isEqualTo(404);
    }

    @Test
    void malformedLimitsAreAFormErrorAndNoKeyIsCreated() {
        var owner = WorkspaceOwner.signUp(port, "live");
        int keys = keys(owner);
        for (String typed : new String[] {"ten", "-1", "1.5", "10e3", "99999999999999", "5 credits", "1,0000,"}) {
            var refused = owner.submitKey(Map.of("name", "bad " + typed, "userDailyCreditLimit", typed));
            assertThat(refused.statusCode()).as(typed).isEqualTo(422);
            assertThat(refused.body())
                    .as(typed)
                    .contains("id=\"key-user-limit-error\"")
                    .containsAnyOf("whole number of credits", "at most 1,000,000,000,000")
                    .contains("value=\"" + typed + "\"")
                    .doesNotContainPattern("ig_live_[0-9A-Za-z]{43}");
            assertThat(keys(owner)).as(typed).isEqualTo(keys);
        }
        // htmx gets the panel alone, with the error.
        var htmx = owner.http()
                .postWithHeaders(
                        "/app/keys",
                        owner.http().csrfToken("/app/keys"),
                        Map.of("name", "htmx", "mode", "live", "userDailyCreditLimit", "lots"),
                        Map.of("HX-Request", "true"));
        assertThat(htmx.statusCode()).isEqualTo(422);
        assertThat(htmx.body()).contains("key-user-limit-error").doesNotContain("<html");
        assertThat(keys(owner)).isEqualTo(keys);

        // Thousands separators are fine; the limit is shown as saved.
        owner.newKeyWithUserLimit("1,000");
        assertThat(keys(owner)).isEqualTo(keys + 1);
        assertThat(owner.http().get("/app/keys").body()).contains("1,000 credits per user per day");
    }

    // --- helpers

    private tools.jackson.databind.JsonNode account(String secret) {
        return ApiClient.json(api().get("/api/v1/account", secret));
    }

    private long balance(WorkspaceOwner owner) {
        return account(owner.secret()).path("credits").path("balance").asLong();
    }

    private String workspace(WorkspaceOwner owner) {
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ?",
                        String.class,
                        owner.email());
    }

    private int tasks(WorkspaceOwner owner) {
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "select count(*) from image_tasks where workspace_id = ?", Integer.class, workspace(owner));
    }

    private int keys(WorkspaceOwner owner) {
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "select count(*) from api_keys where workspace_id = ?", Integer.class, workspace(owner));
    }
}
