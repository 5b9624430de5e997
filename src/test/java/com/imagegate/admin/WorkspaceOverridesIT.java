package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MutableClock;
import com.imagegate.testsupport.WorkspaceOwner;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Custom limits and prices per workspace (issue 22): an admin sets requests per minute, concurrent tasks and a price
 * multiplier on the admin workspace page, audited; they apply to the API, the OpenAI drop-in and the studio of that
 * workspace only, from the next request (no cache), and clearing them returns to the plan's defaults. The test clock
 * stands still, so every creation of a test falls in one rate window. The free plan's concurrent tasks are raised so
 * that only the per-minute limit can refuse here; {@code WorkspaceOverridesConcurrencyIT} proves the concurrent-task
 * override.
 */
@MariaDbIntegrationTest(
        properties = {
            AdminTesting.BOOTSTRAP_EMAIL,
            AdminTesting.BOOTSTRAP_PASSWORD,
            AdminTesting.FAST_SANDBOX,
            "imagegate.plans.free.concurrent-tasks=50"
        })
@Import(MutableClock.Config.class)
class WorkspaceOverridesIT {

    /** The free plan's requests per minute (README: "Free 10 req/min"). */
    static final int FREE_PER_MINUTE = 10;

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    MutableClock clock;

    ApiClient api() {
        return new ApiClient(port);
    }

    JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    @Test
    void aCustomRateLimitHoldsAcrossTheApiTheDropInAndTheStudioAndAnotherWorkspaceKeepsThePlans() {
        nextWindow();
        Http admin = AdminTesting.admin(port);
        var custom = WorkspaceOwner.signUp(port, "test");
        var other = WorkspaceOwner.signUp(port, "test");
        String workspace = workspaceOf(custom.email());
        assertThat(setTerms(admin, workspace, "4", "", "", "enterprise contract")
                        .statusCode())
                .isEqualTo(302);
        assertThat(notice(admin, workspace)).contains("Custom terms saved");

        // Four creations, one window, whichever way they come.
        assertThat(create(custom.secret(), "api 1").statusCode()).isEqualTo(202);
        var dropIn = dropIn(custom.secret(), "drop-in 1");
        assertThat(dropIn.statusCode()).as(dropIn.body()).isEqualTo(200);
        assertThat(dropIn.headers().firstValue("x-ratelimit-limit-requests")).contains("4");
        assertThat(studio(custom.http(), "studio 1").statusCode()).isEqualTo(302);
        var fourth = create(custom.secret(), "api 2");
        assertThat(fourth.statusCode()).isEqualTo(202);
        assertThat(fourth.headers().firstValue("x-ratelimit-remaining-requests"))
                .contains("0");

        var api = create(custom.secret(), "api 3");
        assertThat(api.statusCode()).isEqualTo(429);
        assertThat(ApiClient.json(api).at("/error/code").asString()).isEqualTo("rate_limit_exceeded");
        assertThat(ApiClient.json(api).at("/error/message").asString())
                .contains("4 task creations per minute (this workspace's custom limit)");
        var refusedDropIn = dropIn(custom.secret(), "drop-in 2");
        assertThat(refusedDropIn.statusCode()).isEqualTo(429);
        assertThat(ApiClient.json(refusedDropIn).at("/error/code").asString()).isEqualTo("rate_limit_exceeded");
        var refusedStudio = studio(custom.http(), "studio 2");
        assertThat(refusedStudio.statusCode()).isEqualTo(400);
        assertThat(refusedStudio.body()).contains("Rate limit reached: 4 task creations per minute");
        assertThat(tasksOf(workspace)).isEqualTo(4);

        // The other workspace keeps the plan's limit, in the same minute.
        for (int i = 0; i < FREE_PER_MINUTE; i++) {
            var created = create(other.secret(), "other " + i);
            assertThat(created.statusCode()).isEqualTo(202);
            assertThat(created.headers().firstValue("x-ratelimit-limit-requests"))
                    .contains(String.valueOf(FREE_PER_MINUTE));
        }
        assertThat(create(other.secret(), "other over").statusCode()).isEqualTo(429);

        // The customer sees the limit in effect: the account API and /app.
        JsonNode account = ApiClient.json(api().get("/api/v1/account", custom.secret()));
        assertThat(account.at("/rate_limits/requests_per_minute").asInt()).isEqualTo(4);
        assertThat(account.at("/rate_limits/custom").asBoolean()).isTrue();
        assertThat(account.at("/pricing/custom").asBoolean()).isFalse();
        String dashboard = custom.http().get("/app").body();
        assertThat(dashboard)
                .contains("data-testid=\"requests-per-minute\">4<", "data-testid=\"custom-rpm\"")
                .doesNotContain("data-testid=\"custom-concurrency\"", "id=\"custom-pricing\"");
        assertThat(ApiClient.json(api().get("/api/v1/account", other.secret()))
                        .at("/rate_limits")
                        .toString())
                .contains("\"requests_per_minute\":" + FREE_PER_MINUTE, "\"custom\":false");

        // Raised mid-window: the next request is admitted at once (the terms are read on every request, no cache).
        // The window counts 7 so far: refused creations count too.
        setTerms(admin, workspace, "9", "", "", "more room");
        assertThat(create(custom.secret(), "after raise").statusCode()).isEqualTo(202);
        assertThat(studio(custom.http(), "after raise").statusCode()).isEqualTo(302);
        assertThat(create(custom.secret(), "over again").statusCode()).isEqualTo(429);
        // Lowered mid-window: refused at once.
        setTerms(admin, workspace, "2", "", "", "less room");
        assertThat(dropIn(custom.secret(), "lowered").statusCode()).isEqualTo(429);

        // Cleared: the plan's 10 applies again.
        assertThat(clear(admin, workspace, "contract ended").statusCode()).isEqualTo(302);
        assertThat(notice(admin, workspace)).contains("Custom terms cleared");
        nextWindow();
        var afterClear = create(custom.secret(), "plan again");
        assertThat(afterClear.statusCode()).isEqualTo(202);
        assertThat(afterClear.headers().firstValue("x-ratelimit-limit-requests"))
                .contains(String.valueOf(FREE_PER_MINUTE));
        assertThat(ApiClient.json(api().get("/api/v1/account", custom.secret()))
                        .at("/rate_limits/custom")
                        .asBoolean())
                .isFalse();
        assertThat(custom.http().get("/app").body()).doesNotContain("data-testid=\"custom-rpm\"");
    }

    @Test
    void thePriceMultiplierIsWhatTheLedgerChargesAndWhatTheQuotePricingHeaderAndStudioSay() {
        nextWindow();
        Http admin = AdminTesting.admin(port);
        var custom = WorkspaceOwner.signUp(port, "live");
        var other = WorkspaceOwner.signUp(port, "live");
        String workspace = workspaceOf(custom.email());
        setTerms(admin, workspace, "", "", "0.85", "negotiated discount");

        // The price list for this key: list × 0.85 per image, half up (8.5 → 9, 17, 25.5 → 26), uncached.
        var keyed = api().get("/api/v1/pricing", custom.secret());
        assertThat(keyed.statusCode()).isEqualTo(200);
        assertThat(keyed.headers().firstValue("cache-control").orElseThrow()).contains("no-store", "private");
        assertThat(keyed.headers().allValues("vary").toString()).contains("Authorization");
        JsonNode prices = ApiClient.json(keyed);
        assertThat(prices.path("price_multiplier").decimalValue()).isEqualByComparingTo("0.85");
        assertThat(price(prices, "1024x1024")).isEqualTo(9);
        assertThat(price(prices, "1920x1088")).isEqualTo(17);
        assertThat(price(prices, "3824x2160")).isEqualTo(26);
        assertThat(prices.at("/enhancement/credits").asLong()).isEqualTo(9);
        // Without a key: the list prices, public and cacheable; another workspace's key: its list prices.
        var list = api().get("/api/v1/pricing", null);
        assertThat(list.headers().firstValue("cache-control").orElseThrow()).contains("public");
        assertThat(ApiClient.json(list).has("price_multiplier")).isFalse();
        assertThat(price(ApiClient.json(list), "1024x1024")).isEqualTo(10);
        JsonNode otherPrices = ApiClient.json(api().get("/api/v1/pricing", other.secret()));
        assertThat(otherPrices.path("price_multiplier").decimalValue()).isEqualByComparingTo("1.00");
        assertThat(price(otherPrices, "1024x1024")).isEqualTo(10);
        // A bad key is ignored, as it always was: the public list, which says no multiplier.
        var badKey = api().get("/api/v1/pricing", "ig_live_" + "x".repeat(43));
        assertThat(badKey.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(badKey).has("price_multiplier")).isFalse();
        assertThat(price(ApiClient.json(badKey), "1024x1024")).isEqualTo(10);

        // The quote: 3 images at 9.
        String three = "{\"prompt\":\"three\",\"size\":\"1024x1024\",\"n\":3}";
        JsonNode quote = ApiClient.json(api().send("POST", "/api/v1/images/quote", "Bearer " + custom.secret(), three));
        assertThat(quote.path("credits").asLong()).isEqualTo(27);
        assertThat(quote.path("price_multiplier").decimalValue()).isEqualByComparingTo("0.85");
        assertThat(ApiClient.json(api().send("POST", "/api/v1/images/quote", "Bearer " + other.secret(), three))
                        .path("credits")
                        .asLong())
                .isEqualTo(30);

        // The API charges what the quote said: reserved and captured in the ledger.
        String taskId = ApiClient.json(
                        api().send("POST", "/api/v1/images/generations", "Bearer " + custom.secret(), three))
                .path("id")
                .asString();
        JsonNode task = ended(custom.secret(), taskId);
        assertThat(task.path("credits").asLong()).isEqualTo(27);
        assertThat(task.path("credits_captured").asLong()).isEqualTo(27);
        assertThat(ledger("reserve:" + taskId)).containsExactly(-27L, 27L);
        assertThat(ledger("capture:" + taskId)).containsExactly(0L, -27L);

        // The drop-in's header says the same price.
        var dropIn = dropIn(custom.secret(), "one");
        assertThat(dropIn.statusCode()).isEqualTo(200);
        assertThat(dropIn.headers().firstValue("x-imagegate-credits")).contains("9");
        String dropInTask = dropIn.headers().firstValue("x-imagegate-task-id").orElseThrow();
        assertThat(ledger("capture:" + dropInTask)).containsExactly(0L, -9L);

        // The studio shows the workspace's price and charges it.
        String page = custom.http().get("/app/studio").body();
        assertThat(page).contains("&quot;1024x1024&quot;:9", "id=\"cost\">9<", "id=\"custom-pricing\"", "×0.85");
        assertThat(studio(custom.http(), "studio one").statusCode()).isEqualTo(302);
        assertThat(jdbc().queryForObject(
                                "select credits from image_tasks where workspace_id = ? and prompt = 'studio one'",
                                Long.class,
                                workspace))
                .isEqualTo(9);
        assertThat(custom.http().get("/app").body()).contains("data-testid=\"price-multiplier\">×0.85<");

        // Balance: 100 − 27 − 9 − 9 (after the studio task ends; its reservation is already taken).
        assertThat(AdminTesting.balance(port, custom.secret())).isEqualTo(100 - 27 - 9 - 9);
        // The other workspace pays list prices for the same request.
        var otherDropIn = dropIn(other.secret(), "one");
        assertThat(otherDropIn.headers().firstValue("x-imagegate-credits")).contains("10");

        // Changed mid-session: the next quote and creation use the new multiplier at once.
        setTerms(admin, workspace, "", "", "1.5", "surcharge");
        assertThat(ApiClient.json(api().send("POST", "/api/v1/images/quote", "Bearer " + custom.secret(), three))
                        .path("credits")
                        .asLong())
                .isEqualTo(45);
        var surcharged = dropIn(custom.secret(), "surcharged");
        assertThat(surcharged.headers().firstValue("x-imagegate-credits")).contains("15");

        // Cleared: list prices again, and the pricing API for the key says 1.00.
        clear(admin, workspace, "back to list");
        assertThat(ApiClient.json(api().get("/api/v1/pricing", custom.secret()))
                        .path("price_multiplier")
                        .decimalValue())
                .isEqualByComparingTo(BigDecimal.ONE);
        var listAgain = dropIn(custom.secret(), "list again");
        assertThat(listAgain.headers().firstValue("x-imagegate-credits")).contains("10");
        assertThat(custom.http().get("/app").body()).doesNotContain("id=\"custom-pricing\"");
    }

    @Test
    void changesAreAuditedBadValuesChangeNothingAndOnlyAdminsMayChange() {
        Http admin = AdminTesting.admin(port);
        var owner = WorkspaceOwner.signUp(port, "test");
        String workspace = workspaceOf(owner.email());

        setTerms(admin, workspace, "120", "6", "0.8", "enterprise deal");
        assertThat(stored(workspace)).containsExactly(120, 6, new BigDecimal("0.80"));
        var entry = audit(workspace).getFirst();
        assertThat(entry.get("action")).isEqualTo("workspace.override");
        assertThat(entry.get("admin_email")).isEqualTo(AdminTesting.ADMIN_EMAIL);
        assertThat(entry.get("before_state"))
                .isEqualTo("requests/min plan; concurrent tasks plan; price multiplier plan (1.00)");
        assertThat(entry.get("after_state")).isEqualTo("requests/min 120; concurrent tasks 6; price multiplier 0.80");
        assertThat(entry.get("reason")).isEqualTo("enterprise deal");
        String page = admin.get("/admin/workspaces/" + workspace).body();
        assertThat(page).contains("id=\"override-rpm\"", "value=\"120\"", "value=\"0.80\"", "workspace.override");

        // Bad values: refused with a message, nothing stored or audited.
        int entries = audit(workspace).size();
        Map<List<String>, String> bad = new LinkedHashMap<>();
        bad.put(List.of("-5", "", ""), "Requests per minute");
        bad.put(List.of("abc", "", ""), "Requests per minute");
        bad.put(List.of("99999999999", "", ""), "Requests per minute");
        bad.put(List.of("", "0", ""), "Concurrent tasks");
        bad.put(List.of("", "1e9", ""), "Concurrent tasks");
        bad.put(List.of("", "", "-0.5"), "Price multiplier");
        bad.put(List.of("", "", "0"), "Price multiplier");
        bad.put(List.of("", "", "0.05"), "Price multiplier");
        bad.put(List.of("", "", "10.5"), "Price multiplier");
        bad.put(List.of("", "", "0.805"), "Price multiplier");
        bad.put(List.of("", "", "cheap"), "Price multiplier");
        bad.put(List.of("", "", "1e2"), "Price multiplier");
        bad.forEach((fields, message) -> {
            var refused = setTerms(admin, workspace, fields.get(0), fields.get(1), fields.get(2), "typo");
            assertThat(refused.statusCode()).isEqualTo(302);
            assertThat(problem(admin, workspace)).as(fields.toString()).contains(message);
            assertThat(stored(workspace)).as(fields.toString()).containsExactly(120, 6, new BigDecimal("0.80"));
        });
        setTerms(admin, workspace, "5", "", "", "");
        assertThat(problem(admin, workspace)).contains("Give a reason");
        setTerms(admin, workspace, "120", "6", "0.80", "same again");
        assertThat(problem(admin, workspace)).contains("already this workspace's custom terms");
        assertThat(audit(workspace)).hasSize(entries);
        assertThat(stored(workspace)).containsExactly(120, 6, new BigDecimal("0.80"));

        // Not an admin: the owner of the workspace itself gets 403, with a valid CSRF token; no token: 403 too.
        String csrf = owner.http().csrfToken("/app/keys");
        var forbidden = owner.http()
                .post(
                        "/admin/workspaces/" + workspace + "/overrides",
                        csrf,
                        Map.of("requestsPerMinute", "100000", "reason", "self-service"));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        var clearForbidden = owner.http()
                .post("/admin/workspaces/" + workspace + "/overrides/clear", csrf, Map.of("reason", "self-service"));
        assertThat(clearForbidden.statusCode()).isEqualTo(403);
        var noCsrf = admin.post(
                "/admin/workspaces/" + workspace + "/overrides",
                "not-the-token",
                Map.of("requestsPerMinute", "7", "reason", "forged"));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(stored(workspace)).containsExactly(120, 6, new BigDecimal("0.80"));
        assertThat(audit(workspace)).hasSize(entries);

        // An unknown workspace is refused.
        admin.post(
                "/admin/workspaces/ws_doesnotexist/overrides",
                admin.csrfToken("/admin/workspaces/" + workspace),
                Map.of("requestsPerMinute", "5", "reason", "typo"));
        assertThat(jdbc().queryForObject(
                                "select count(*) from billing_workspace_overrides where workspace_id = 'ws_doesnotexist'",
                                Integer.class))
                .isZero();

        // Blank fields follow the plan; clearing removes the row and is audited; clearing twice is refused.
        setTerms(admin, workspace, "", "", "0.9", "only the discount");
        assertThat(stored(workspace)).containsExactly(null, null, new BigDecimal("0.90"));
        clear(admin, workspace, "contract ended");
        assertThat(stored(workspace)).isEmpty();
        var cleared = audit(workspace).getFirst();
        assertThat(cleared.get("action")).isEqualTo("workspace.override_clear");
        assertThat(cleared.get("before_state"))
                .isEqualTo("requests/min plan; concurrent tasks plan; price multiplier 0.90");
        assertThat(cleared.get("after_state"))
                .isEqualTo("requests/min plan; concurrent tasks plan; price multiplier plan (1.00)");
        clear(admin, workspace, "again");
        assertThat(problem(admin, workspace)).contains("has no custom terms");
        assertThat(audit(workspace)).hasSize(entries + 2);
        JsonNode account = ApiClient.json(api().get("/api/v1/account", owner.secret()));
        assertThat(account.at("/rate_limits/requests_per_minute").asInt()).isEqualTo(FREE_PER_MINUTE);
        assertThat(account.at("/pricing/price_multiplier").decimalValue()).isEqualByComparingTo("1.00");
        assertThat(account.at("/pricing/custom").asBoolean()).isFalse();
    }

    /**
     * Starts a new rate window a second after its start, so the test's creations are counted from zero and the seconds
     * each admin action moves the clock on stay in it.
     */
    private void nextWindow() {
        long minute = clock.millis() / 60_000;
        clock.advanceTo(java.time.Instant.ofEpochMilli((minute + 1) * 60_000 + 1_000));
    }

    /** Submits the workspace page's custom terms form; the clock moves a second, so audit entries are ordered. */
    private HttpResponse<String> setTerms(
            Http admin, String workspace, String perMinute, String concurrent, String multiplier, String reason) {
        clock.advance(java.time.Duration.ofSeconds(1));
        return admin.submitForm(
                "/admin/workspaces/" + workspace,
                "/admin/workspaces/" + workspace + "/overrides",
                Map.of(
                        "requestsPerMinute",
                        perMinute,
                        "concurrentTasks",
                        concurrent,
                        "priceMultiplier",
                        multiplier,
                        "reason",
                        reason));
    }

    private HttpResponse<String> clear(Http admin, String workspace, String reason) {
        clock.advance(java.time.Duration.ofSeconds(1));
        return admin.submitForm(
                "/admin/workspaces/" + workspace,
                "/admin/workspaces/" + workspace + "/overrides/clear",
                Map.of("reason", reason));
    }

    /** The notice the workspace page shows after the last action (a flash attribute: shown once). */
    private static String notice(Http admin, String workspace) {
        return flash(admin, workspace, "notice");
    }

    private static String problem(Http admin, String workspace) {
        return flash(admin, workspace, "problem");
    }

    private static String flash(Http admin, String workspace, String id) {
        String page = admin.get("/admin/workspaces/" + workspace).body();
        var matcher = java.util.regex.Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<")
                .matcher(page);
        return matcher.find() ? org.springframework.web.util.HtmlUtils.htmlUnescape(matcher.group(1)) : "";
    }

    private HttpResponse<String> create(String secret, String prompt) {
        return api().send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + secret,
                        "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\"}");
    }

    private HttpResponse<String> dropIn(String secret, String prompt) {
        return api().send(
                        "POST",
                        "/v1/images/generations",
                        "Bearer " + secret,
                        "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\",\"response_format\":\"url\"}");
    }

    /** A plain (no JavaScript) studio form post: 302 to the studio when accepted, 400 with the message when not. */
    private static HttpResponse<String> studio(Http http, String prompt) {
        return http.submitForm("/app/studio", "/app/studio", Map.of("prompt", prompt, "size", "1024x1024", "n", "1"));
    }

    private JsonNode ended(String secret, String taskId) {
        for (int i = 0; i < 10; i++) {
            JsonNode task = ApiClient.json(api().get("/api/v1/images/tasks/" + taskId + "?wait=30", secret));
            if (List.of("succeeded", "failed", "canceled")
                    .contains(task.path("status").asString())) {
                return task;
            }
        }
        throw new AssertionError("task " + taskId + " did not end");
    }

    private static long price(JsonNode pricing, String size) {
        for (JsonNode image : pricing.path("images")) {
            if (image.path("size").asString().equals(size)) {
                return image.path("credits_per_image").asLong();
            }
        }
        throw new AssertionError("no price for " + size);
    }

    /** The ledger entry's amount and held credits. */
    private List<Long> ledger(String reference) {
        return jdbc().queryForList("select amount, held from credit_entry where reference = ?", reference).stream()
                .flatMap(row -> java.util.stream.Stream.of(
                        ((Number) row.get("amount")).longValue(), ((Number) row.get("held")).longValue()))
                .toList();
    }

    private int tasksOf(String workspace) {
        return jdbc().queryForObject(
                        "select count(*) from image_tasks where workspace_id = ?", Integer.class, workspace);
    }

    /** The stored override: requests per minute, concurrent tasks, multiplier; empty when there is no row. */
    private List<Object> stored(String workspace) {
        var rows = jdbc().queryForList(
                        "select requests_per_minute, concurrent_tasks, price_multiplier from billing_workspace_overrides"
                                + " where workspace_id = ?",
                        workspace);
        if (rows.isEmpty()) {
            return List.of();
        }
        var row = rows.getFirst();
        var values = new java.util.ArrayList<Object>();
        values.add(row.get("requests_per_minute"));
        values.add(row.get("concurrent_tasks"));
        values.add(row.get("price_multiplier"));
        return values;
    }

    private List<Map<String, Object>> audit(String workspace) {
        return jdbc().queryForList(
                        "select action, admin_email, before_state, after_state, reason from admin_audit_log"
                                + " where workspace_id = ? and action like 'workspace.override%'"
                                + " order by created_at desc, id desc",
                        workspace);
    }

    private String workspaceOf(String email) {
        return jdbc().queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by"
                                + " where u.email = ? and w.personal = true",
                        String.class,
                        email);
    }
}
