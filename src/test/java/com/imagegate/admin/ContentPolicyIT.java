package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.FakeOpenAiImages;
import com.imagegate.testsupport.FakeOpenAiImages.Step;
import com.imagegate.testsupport.Http;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Protecting the upstream account, through a fake upstream that speaks OpenAI's wire format (images and {@code POST
 * /v1/moderations}): the end-user identifier sent upstream, the moderation pre-check (flagged, not flagged, endpoint
 * down), strikes that pause a workspace across the API, the drop-in and the studio, the admins' review and denylist.
 */
@com.imagegate.testsupport.MariaDbIntegrationTest(
        properties = {
            AdminTesting.BOOTSTRAP_EMAIL,
            AdminTesting.BOOTSTRAP_PASSWORD,
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.channels.main.api-key=" + ContentPolicyIT.KEY,
            "imagegate.generation.openai.max-attempts=2",
            "imagegate.generation.openai.initial-backoff=50ms",
            "imagegate.generation.openai.max-backoff=100ms",
            "imagegate.fetch.allow-private-hosts=true",
            "imagegate.protection.moderation.enabled=true",
            "imagegate.protection.strikes-per-day=" + ContentPolicyIT.STRIKES,
            // Studio creations count in the per-minute window too; this test makes more than the free plan's 10.
            "imagegate.plans.free.requests-per-minute=100"
        })
class ContentPolicyIT {

    static final String KEY = "sk-content-policy-1";
    static final int STRIKES = 4;
    static final FakeOpenAiImages UPSTREAM = FakeOpenAiImages.start(KEY);
    private static final Pattern SECRET = Pattern.compile("ig_live_[0-9A-Za-z]{43}");

    static {
        UPSTREAM.flag("mod-flag", "violence", "violence/graphic");
    }

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("imagegate.generation.openai.channels.main.base-url", () -> UPSTREAM.baseUrl() + "/");
    }

    @AfterAll
    static void stop() {
        UPSTREAM.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    /** A signed-in owner (for the studio) with a live key (for the API), and the workspace's id. */
    record Customer(String email, Http browser, String secret, String workspaceId) {}

    Customer customer() {
        String email = "cp-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Http http = new Http(port);
        assertThat(http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        Matcher secret = SECRET.matcher(http.submitForm("/app/keys", "/app/keys", Map.of("name", "key", "mode", "live"))
                .body());
        assertThat(secret.find()).isTrue();
        var account = api().get("/api/v1/account", secret.group());
        return new Customer(
                email, http, secret.group(), ApiClient.json(account).at("/id").asString());
    }

    ApiClient api() {
        return new ApiClient(port);
    }

    JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    HttpResponse<String> create(Customer c, String prompt, String user) {
        String body = user == null
                ? "{\"prompt\":\"%s\",\"size\":\"1024x1024\"}".formatted(prompt)
                : "{\"prompt\":\"%s\",\"size\":\"1024x1024\",\"user\":\"%s\"}".formatted(prompt, user);
        return api().send("POST", "/api/v1/images/generations", "Bearer " + c.secret(), body);
    }

    HttpResponse<String> dropIn(Customer c, String prompt) {
        return api().send(
                        "POST",
                        "/v1/images/generations",
                        "Bearer " + c.secret(),
                        "{\"prompt\":\"%s\",\"size\":\"1024x1024\"}".formatted(prompt));
    }

    HttpResponse<String> studio(Customer c, String prompt) {
        return c.browser()
                .postWithHeaders(
                        "/app/studio",
                        c.browser().csrfToken("/app/studio"),
                        Map.of("prompt", prompt, "size", "1024x1024", "n", "1", "quality", "auto"),
                        Map.of("HX-Request", "true"));
    }

    JsonNode ended(Customer c, HttpResponse<String> created) {
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = ApiClient.json(created).at("/id").asString();
        for (int i = 0; i < 10; i++) {
            JsonNode task = ApiClient.json(api().get("/api/v1/images/tasks/" + id + "?wait=30", c.secret()));
            String status = task.at("/status").asString();
            if (!status.equals("pending") && !status.equals("processing")) {
                return task;
            }
        }
        throw new AssertionError("task " + id + " did not end");
    }

    long balance(Customer c) {
        return ApiClient.json(api().get("/api/v1/account", c.secret()))
                .at("/credits/balance")
                .asLong();
    }

    long entries(Customer c) {
        return jdbc().queryForObject(
                        "select count(*) from credit_entry where workspace_id = ?", Long.class, c.workspaceId());
    }

    long strikes(Customer c) {
        return jdbc().queryForObject(
                        "select count(*) from content_strikes where workspace_id = ?", Long.class, c.workspaceId());
    }

    long pauseMails(Customer c) {
        return jdbc().queryForObject(
                        "select count(*) from mail_outbox where recipient = ? and subject like '%paused for review%'",
                        Long.class, c.email());
    }

    static void refusedForContent(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(ApiClient.json(answer).at("/error/code").asString()).isEqualTo("content_policy_violation");
    }

    static void refusedAsPaused(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
        assertThat(ApiClient.json(answer).at("/error/code").asString()).isEqualTo("workspace_paused");
    }

    @Test
    void upstreamGetsAStableKeyedEndUserIdentifierNeverTheRawValues() {
        var a = customer();
        var b = customer();
        ended(a, create(a, "euid-a1 harbor", "alice-77"));
        ended(a, create(a, "euid-a2 harbor", "alice-77"));
        ended(a, create(a, "euid-a3 harbor", "bob-78"));
        ended(a, create(a, "euid-a4 harbor", null));
        ended(b, create(b, "euid-b1 harbor", "alice-77"));
        String reference =
                UPSTREAM.baseUrl() + "/files/" + UPSTREAM.serve(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB));
        ended(
                a,
                api().send(
                                "POST",
                                "/api/v1/images/generations",
                                "Bearer " + a.secret(),
                                "{\"prompt\":\"euid-edit make it blue\",\"image_urls\":[\"%s\"],\"size\":\"1024x1024\",\"user\":\"alice-77\"}"
                                        .formatted(reference)));

        String a1 = sentUser("euid-a1");
        assertThat(a1).startsWith("ig-").hasSize(3 + 43);
        assertThat(sentUser("euid-a2")).as("same workspace and user").isEqualTo(a1);
        assertThat(UPSTREAM.requests("euid-edit").getFirst().path()).isEqualTo("/v1/images/edits");
        assertThat(sentUser("euid-edit"))
                .as("the multipart edit carries it too")
                .isEqualTo(a1);
        assertThat(sentUser("euid-a3")).as("another user").isNotEqualTo(a1);
        assertThat(sentUser("euid-a4")).as("no user: the workspace alone").isNotIn(a1, sentUser("euid-a3"));
        assertThat(sentUser("euid-b1")).as("another workspace, same user").isNotEqualTo(a1);
        for (String marker : List.of("euid-a1", "euid-a3", "euid-a4", "euid-b1", "euid-edit")) {
            assertThat(sentUser(marker))
                    .doesNotContain(
                            "alice",
                            "bob",
                            a.workspaceId(),
                            b.workspaceId(),
                            a.workspaceId().substring(3));
        }
    }

    /** The table with this id on a page (not the notice above it). */
    static String table(String page, String id) {
        int start = page.indexOf("id=\"" + id + "\"");
        assertThat(start).as("table " + id).isPositive();
        return page.substring(start, page.indexOf("</table>", start));
    }

    private static String sentUser(String marker) {
        var seen = UPSTREAM.requests(marker);
        assertThat(seen).as(marker).isNotEmpty();
        return seen.getFirst().fields().get("user");
    }

    @Test
    void flaggedPromptIsRefusedAndCostsNothingWhileOthersRenderAndADownEndpointLetsThemThrough() {
        var c = customer();
        long balance = balance(c);
        long entries = entries(c);

        var flagged = create(c, "mod-flag a battle scene", null);
        refusedForContent(flagged);
        assertThat(ApiClient.json(flagged).at("/error/param").asString()).isEqualTo("prompt");
        assertThat(ApiClient.json(flagged).at("/error/message").asString()).contains("violence");
        assertThat(UPSTREAM.moderated()).contains("mod-flag a battle scene");
        assertThat(UPSTREAM.requests("mod-flag")).as("never sent for images").isEmpty();
        assertThat(balance(c)).isEqualTo(balance);
        assertThat(entries(c)).as("no ledger entry").isEqualTo(entries);
        assertThat(strikes(c)).isEqualTo(1);

        JsonNode fine = ended(c, create(c, "mod-fine a quiet meadow", null));
        assertThat(fine.at("/status").asString()).isEqualTo("succeeded");
        assertThat(UPSTREAM.moderated()).contains("mod-fine a quiet meadow");
        assertThat(balance(c)).isLessThan(balance);

        UPSTREAM.moderationDown(503);
        try {
            JsonNode down = ended(c, create(c, "mod-down a quiet meadow", null));
            assertThat(down.at("/status").asString())
                    .as("fails open by default")
                    .isEqualTo("succeeded");
            assertThat(UPSTREAM.moderated()).doesNotContain("mod-down a quiet meadow");
        } finally {
            UPSTREAM.moderationDown(0);
        }
        assertThat(strikes(c)).isEqualTo(1);
    }

    @Test
    void strikesFromEveryEdgeAndTheUpstreamPauseTheWorkspaceUntilAnAdminUnpausesIt() {
        UPSTREAM.script("upstream-block", Step.moderationBlocked());
        var c = customer();
        refusedForContent(create(c, "mod-flag 1 by the API", null));
        refusedForContent(dropIn(c, "mod-flag 2 by the drop-in"));
        JsonNode blocked = ended(c, create(c, "upstream-block 3 passes moderation", null));
        assertThat(blocked.at("/error/code").asString()).isEqualTo("content_policy_violation");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(strikes(c))
                        .as("the upstream's refusal is a strike")
                        .isEqualTo(3));
        assertThat(pauseMails(c)).isZero();

        String page = studio(c, "mod-flag 4 by the studio").body();
        assertThat(page).contains("flagged by the content policy", "now paused for review");
        assertThat(strikes(c)).isEqualTo(STRIKES);
        assertThat(pauseMails(c)).isEqualTo(1);

        long balance = balance(c);
        refusedAsPaused(create(c, "a quiet meadow", null));
        refusedAsPaused(dropIn(c, "a quiet meadow"));
        assertThat(studio(c, "a quiet meadow").body()).contains("paused for review");
        var quote =
                api().send("POST", "/api/v1/images/quote", "Bearer " + c.secret(), "{\"prompt\":\"a quiet meadow\"}");
        assertThat(quote.body()).contains("workspace_paused");
        assertThat(balance(c)).isEqualTo(balance);
        assertThat(strikes(c)).as("refusals while paused are no strikes").isEqualTo(STRIKES);

        // The customer cannot reach the queue; the admin sees the workspace and its prompts.
        assertThat(c.browser().get("/admin/reviews").statusCode()).isEqualTo(403);
        Http admin = AdminTesting.admin(port);
        assertThat(admin.get("/admin/reviews").body()).contains(c.workspaceId());
        String review = admin.get("/admin/reviews/" + c.workspaceId()).body();
        assertThat(review)
                .contains(
                        "mod-flag 1 by the API",
                        "mod-flag 2 by the drop-in",
                        "upstream-block 3 passes moderation",
                        "mod-flag 4 by the studio",
                        "upstream",
                        "moderation");

        String csrf = admin.csrfToken("/admin/reviews/" + c.workspaceId());
        admin.post("/admin/reviews/" + c.workspaceId() + "/keep", csrf, Map.of("reason", "looking into it"));
        assertThat(admin.get("/admin/reviews").body()).contains("kept paused by", "looking into it");
        refusedAsPaused(create(c, "a quiet meadow", null));
        admin.post("/admin/reviews/" + c.workspaceId() + "/unpause", csrf, Map.of("reason", "false positives"));
        assertThat(table(admin.get("/admin/reviews").body(), "paused-workspaces"))
                .doesNotContain(c.workspaceId());
        assertThat(admin.get("/admin/audit").body())
                .contains("content.keep_paused", "content.unpause", "false positives");

        assertThat(ended(c, create(c, "a quiet meadow again", null))
                        .at("/status")
                        .asString())
                .isEqualTo("succeeded");
        // The strikes were cleared: one more refusal does not pause again.
        refusedForContent(create(c, "mod-flag 5 after the review", null));
        assertThat(ended(c, create(c, "a quiet meadow once more", null))
                        .at("/status")
                        .asString())
                .isEqualTo("succeeded");
    }

    @Test
    void parallelFlaggedRequestsPauseOnceWithEveryStrikeCounted() {
        var c = customer();
        var outcomes = Concurrently.run(8, i -> create(c, "mod-flag parallel " + i, null));
        int refused = 0;
        int paused = 0;
        for (var outcome : outcomes) {
            assertThat(outcome.succeeded()).isTrue();
            var answer = outcome.value();
            String code = ApiClient.json(answer).at("/error/code").asString();
            if (answer.statusCode() == 400 && code.equals("content_policy_violation")) {
                refused++;
            } else {
                refusedAsPaused(answer);
                paused++;
            }
        }
        assertThat(refused + paused).isEqualTo(8);
        assertThat(refused).isGreaterThanOrEqualTo(STRIKES);
        assertThat(strikes(c)).as("one strike per refusal").isEqualTo(refused);
        assertThat(jdbc().queryForObject(
                                "select paused_strikes from content_standing where workspace_id = ? and paused_at is not null",
                                Integer.class,
                                c.workspaceId()))
                .as("paused once, by the strike that reached the limit")
                .isEqualTo(STRIKES);
        assertThat(pauseMails(c)).isEqualTo(1);
        refusedAsPaused(create(c, "a quiet meadow", null));
    }

    @Test
    void denylistEditsTakeEffectAtOnceAndOnlyAdminsMakeThem() {
        var c = customer();
        String word = "zq" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        assertThat(c.browser().get("/admin/denylist").statusCode()).isEqualTo(403);
        Http admin = AdminTesting.admin(port);
        String csrf = admin.csrfToken("/admin/denylist");
        assertThat(admin.post("/admin/denylist", "not-the-token", Map.of("phrase", word + "*", "reason", "x"))
                        .statusCode())
                .isEqualTo(403);
        admin.post("/admin/denylist", csrf, Map.of("phrase", "  " + word.toUpperCase() + "*", "reason", "abuse wave"));
        admin.post("/admin/denylist", csrf, Map.of("phrase", "a*", "reason", "too broad"));
        String list = admin.get("/admin/denylist").body();
        assertThat(list).contains(word + "*", "needs at least 3 letters");

        long balance = balance(c);
        var refused = create(c, "Two " + word.toUpperCase() + "ING-creatures, mod-safe", null);
        refusedForContent(refused);
        assertThat(UPSTREAM.moderated()).as("refused before moderation").noneMatch(p -> p.contains(word));
        assertThat(balance(c)).isEqualTo(balance);
        assertThat(strikes(c)).isEqualTo(1);
        assertThat(ended(c, create(c, "x" + word + " is part of another word", null))
                        .at("/status")
                        .asString())
                .isEqualTo("succeeded");

        Matcher id = Pattern.compile("/admin/denylist/(deny_[a-z0-9]+)/remove").matcher(list);
        assertThat(id.find()).isTrue();
        admin.post("/admin/denylist/" + id.group(1) + "/remove", csrf, Map.of("reason", "wave over"));
        assertThat(table(admin.get("/admin/denylist").body(), "denylist")).doesNotContain(word);
        assertThat(ended(c, create(c, "Two " + word + " creatures", null))
                        .at("/status")
                        .asString())
                .isEqualTo("succeeded");
        assertThat(admin.get("/admin/audit").body()).contains("denylist.add", "denylist.remove", "abuse wave");
    }
}
