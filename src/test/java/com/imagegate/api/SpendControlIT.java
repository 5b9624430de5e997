package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.billing.Catalog;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.HistoryQuery;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.credits.LotSource;
import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.Pricing;
import com.imagegate.generation.UserQuotas;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.TestImages;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Spend control (issue 20) over real HTTP: a quote answers what the creation made right after it does (for every row
 * of the price table and every limit), writes nothing and counts as a read; {@code max_credits} refuses a task that
 * costs more and nothing is written; {@code /api/v1/pricing} is public and says the configured prices and catalog;
 * the drop-in's answer says what it was charged.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.fetch.allow-private-hosts=true",
            "imagegate.webhooks.allow-http=true",
            // Tasks stay unfinished long enough to fill the plan's concurrent tasks; the quote tests cancel theirs.
            "imagegate.generation.sandbox.delay=5s",
            "imagegate.plans.free.concurrent-tasks=3",
            "imagegate.plans.free.requests-per-minute=24",
            "imagegate.api.reads-per-minute=45",
            // Not the default, so the pricing endpoint is seen reading the configuration.
            "imagegate.generation.prices.full-hd=25"
        })
class SpendControlIT {

    static final int READS_PER_MINUTE = 45;
    static final int CREATIONS_PER_MINUTE = 24;
    static final byte[] PNG = TestImages.png(64, 64, Color.ORANGE);
    static final HttpServer ORIGIN = startOrigin();

    @Autowired
    UserQuotas userQuotas;

    @LocalServerPort
    int port;

    @Autowired
    Credits credits;

    @Autowired
    Pricing pricing;

    @Autowired
    GenerationProperties generation;

    @Autowired
    Catalog catalog;

    @Autowired
    JdbcClient jdbc;

    @AfterAll
    static void stopOrigin() {
        ORIGIN.stop(0);
    }

    static HttpServer startOrigin() {
        try {
            var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/a.png", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "image/png");
                exchange.sendResponseHeaders(200, PNG.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(PNG);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String imageUrl() {
        return "http://127.0.0.1:" + ORIGIN.getAddress().getPort() + "/a.png";
    }

    ApiClient api() {
        return new ApiClient(port);
    }

    HttpResponse<String> quote(String secret, String body, String... headers) {
        return api().send("POST", "/api/v1/images/quote", "Bearer " + secret, body, headers);
    }

    HttpResponse<String> quoteEnhancement(String secret, String body) {
        return api().send("POST", "/api/v1/images/quote?for=enhancements", "Bearer " + secret, body);
    }

    HttpResponse<String> create(String secret, String body, String... headers) {
        return api().send("POST", "/api/v1/images/generations", "Bearer " + secret, body, headers);
    }

    HttpResponse<String> enhance(String secret, String body) {
        return api().send("POST", "/api/v1/images/enhancements", "Bearer " + secret, body);
    }

    String workspaceOf(ApiUsers user) {
        return ApiClient.json(api().get("/api/v1/account", user.secret()))
                .path("id")
                .asString();
    }

    static JsonNode error(HttpResponse<String> response) {
        return ApiClient.json(response).path("error");
    }

    /** The fixed one-minute creation window must not end between a quote and its creation. */
    static void awayFromTheMinutesEnd() {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> LocalTime.now(ZoneOffset.UTC).getSecond() < 45);
    }

    /**
     * The quote's verdict equals the creation's answer made right after: accepted ↔ 202 with the quoted credits;
     * refused ↔ the quoted status and code. An accepted task is canceled so that the next row starts clean.
     */
    void quoteThenCreate(String what, ApiUsers user, HttpResponse<String> quoted, HttpResponse<String> created) {
        assertThat(quoted.statusCode()).as(what + ": " + quoted.body()).isEqualTo(200);
        JsonNode q = ApiClient.json(quoted);
        assertThat(q.path("object").asString()).isEqualTo("image.quote");
        if (q.path("accepted").asBoolean()) {
            assertThat(created.statusCode()).as(what + ": " + created.body()).isEqualTo(202);
            JsonNode task = ApiClient.json(created);
            assertThat(task.path("credits").asLong())
                    .as(what)
                    .isEqualTo(q.path("credits").asLong());
            assertThat(q.has("code")).as(what).isFalse();
            assertThat(q.path("balance_after").asLong())
                    .as(what)
                    .isEqualTo(q.path("balance").asLong() - q.path("credits").asLong());
            var canceled = api().send(
                            "POST",
                            "/api/v1/images/tasks/" + task.path("id").asString() + "/cancel",
                            "Bearer " + user.secret(),
                            null);
            assertThat(canceled.statusCode()).as(what + ": " + canceled.body()).isEqualTo(200);
        } else {
            assertThat(created.statusCode())
                    .as(what + ": " + created.body())
                    .isEqualTo(q.path("status").asInt());
            assertThat(error(created).path("code").asString())
                    .as(what)
                    .isEqualTo(q.path("code").asString());
            assertThat(q.path("balance_after").asLong())
                    .as(what)
                    .isEqualTo(q.path("balance").asLong());
        }
    }

    @Test
    void theQuoteOfEveryRowOfThePriceTableIsWhatTheCreationCharges() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        String workspace = workspaceOf(user);
        credits.grant(new Grant(workspace, 100_000, LotSource.PACK, null, "pack:quote-" + workspace, "system", null));
        awayFromTheMinutesEnd();
        for (ImageSize size : ImageSize.values()) {
            for (int n : List.of(1, 10)) {
                String body = "{\"prompt\":\"A lamp\",\"size\":\"%s\",\"n\":%d}".formatted(size.wireValue(), n);
                var quoted = quote(user.secret(), body);
                assertThat(ApiClient.json(quoted).path("credits").asLong())
                        .as(size + " × " + n)
                        .isEqualTo((long) pricing.creditsPerImage(size) * n);
                assertThat(ApiClient.json(quoted).path("accepted").asBoolean())
                        .as(quoted.body())
                        .isTrue();
                quoteThenCreate(size + " × " + n, user, quoted, create(user.secret(), body));
            }
        }
        String enhancement = "{\"image_url\":\"%s\"}".formatted(imageUrl());
        var quoted = quoteEnhancement(user.secret(), enhancement);
        assertThat(ApiClient.json(quoted).path("credits").asLong()).isEqualTo(pricing.enhancementCredits());
        quoteThenCreate("enhancement", user, quoted, enhance(user.secret(), enhancement));
    }

    @Test
    void theQuoteOfEveryLimitIsWhatTheCreationAnswers() throws Exception {
        awayFromTheMinutesEnd();
        // The sign-up grant: 100 credits.
        var user = ApiUsers.signUpWithKey(port, "live");
        var enough = quote(user.secret(), "{\"prompt\":\"x\",\"n\":10}");
        assertThat(ApiClient.json(enough).path("balance").asLong()).isEqualTo(100);
        assertThat(ApiClient.json(enough).path("balance_after").asLong()).isZero();
        quoteThenCreate("enough balance", user, enough, create(user.secret(), "{\"prompt\":\"x\",\"n\":10}"));

        var poor = ApiUsers.signUpWithKey(port, "live");
        String tooMuch = "{\"prompt\":\"x\",\"size\":\"3824x2160\",\"n\":4}";
        var short_ = quote(poor.secret(), tooMuch);
        assertThat(ApiClient.json(short_).path("accepted").asBoolean()).isFalse();
        assertThat(ApiClient.json(short_).path("code").asString()).isEqualTo("insufficient_quota");
        assertThat(ApiClient.json(short_).path("credits").asLong()).isEqualTo(120);
        quoteThenCreate("too little balance", poor, short_, create(poor.secret(), tooMuch));

        String below = "{\"prompt\":\"x\",\"size\":\"1920x1088\",\"max_credits\":24}";
        var over = quote(poor.secret(), below);
        assertThat(ApiClient.json(over).path("code").asString()).isEqualTo("max_credits_exceeded");
        assertThat(ApiClient.json(over).path("status").asInt()).isEqualTo(400);
        quoteThenCreate("max_credits below the price", poor, over, create(poor.secret(), below));

        String at = "{\"prompt\":\"x\",\"size\":\"1920x1088\",\"max_credits\":25}";
        var exactly = quote(poor.secret(), at);
        assertThat(ApiClient.json(exactly).path("accepted").asBoolean()).isTrue();
        quoteThenCreate("max_credits at the price", poor, exactly, create(poor.secret(), at));

        // Three unfinished tasks (the plan's limit here; the sandbox takes 5 s each).
        var busy = ApiUsers.signUpWithKey(port, "live");
        for (int i = 0; i < 3; i++) {
            assertThat(create(busy.secret(), "{\"prompt\":\"x\"}").statusCode()).isEqualTo(202);
        }
        var full = quote(busy.secret(), "{\"prompt\":\"x\"}");
        assertThat(ApiClient.json(full).path("code").asString()).isEqualTo("rate_limit_exceeded");
        assertThat(ApiClient.json(full).path("retry_after").asLong()).isPositive();
        quoteThenCreate("concurrency limit", busy, full, create(busy.secret(), "{\"prompt\":\"x\"}"));

        // The plan's creations per minute, spent (those refused for the concurrent tasks count too).
        var hasty = ApiUsers.signUpWithKey(port, "test");
        for (int i = 0; i < CREATIONS_PER_MINUTE; i++) {
            create(hasty.secret(), "{\"prompt\":\"x\"}");
        }
        var spent = quote(hasty.secret(), "{\"prompt\":\"x\"}");
        assertThat(ApiClient.json(spent).path("code").asString()).isEqualTo("rate_limit_exceeded");
        assertThat(ApiClient.json(spent).path("status").asInt()).isEqualTo(429);
        assertThat(ApiClient.json(spent).path("retry_after").asLong()).isBetween(1L, 60L);
        quoteThenCreate("creation rate limit", hasty, spent, create(hasty.secret(), "{\"prompt\":\"x\"}"));

        // A test key pays nothing, so even a price above the balance and a tiny max_credits pass.
        var tester = ApiUsers.signUpWithKey(port, "test");
        String big = "{\"prompt\":\"x\",\"size\":\"2160x3824\",\"n\":10,\"max_credits\":1}";
        var free = quote(tester.secret(), big);
        assertThat(ApiClient.json(free).path("accepted").asBoolean()).isTrue();
        assertThat(ApiClient.json(free).path("credits").asLong()).isZero();
        quoteThenCreate("test key", tester, free, create(tester.secret(), big));

        // The end user's daily credit limit: 10 credits a day per user, and user u1 has a 10-credit task running.
        var reseller = ApiUsers.signUpWithKey(port, "live");
        userQuotas.setDailyCreditLimit(workspaceOf(reseller), 10L, "user:spend-control-it");
        assertThat(create(reseller.secret(), "{\"prompt\":\"x\",\"user\":\"u1\"}")
                        .statusCode())
                .isEqualTo(202);
        var capped = quote(reseller.secret(), "{\"prompt\":\"x\",\"user\":\"u1\"}");
        assertThat(ApiClient.json(capped).path("code").asString()).isEqualTo("user_quota_exceeded");
        assertThat(ApiClient.json(capped).path("status").asInt()).isEqualTo(429);
        quoteThenCreate(
                "the user's daily limit",
                reseller,
                capped,
                create(reseller.secret(), "{\"prompt\":\"x\",\"user\":\"u1\"}"));
        // The key's budget: 10 credits a day, spent by one task; the balance alone would allow more.
        var budgeted = ApiUsers.signUpWithBudget(port, 10, "day");
        assertThat(create(budgeted.secret(), "{\"prompt\":\"x\"}").statusCode()).isEqualTo(202);
        var overBudget = quote(budgeted.secret(), "{\"prompt\":\"x\"}");
        assertThat(ApiClient.json(overBudget).path("code").asString()).isEqualTo("insufficient_quota");
        assertThat(ApiClient.json(overBudget).path("balance").asLong()).isGreaterThanOrEqualTo(10);
        quoteThenCreate("the key's budget", budgeted, overBudget, create(budgeted.secret(), "{\"prompt\":\"x\"}"));

        var another = quote(reseller.secret(), "{\"prompt\":\"x\",\"user\":\"u2\"}");
        assertThat(ApiClient.json(another).path("accepted").asBoolean()).isTrue();
        quoteThenCreate(
                "another user of the workspace",
                reseller,
                another,
                create(reseller.secret(), "{\"prompt\":\"x\",\"user\":\"u2\"}"));
    }

    @Test
    void aQuoteWritesNothing() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String workspace = workspaceOf(user);
        var before = footprint(workspace);
        for (int i = 0; i < 20; i++) {
            String body = i % 2 == 0
                    ? "{\"prompt\":\"x\",\"size\":\"1536x1024\",\"n\":" + (1 + i % 10) + "}"
                    : "{\"prompt\":\"x\",\"size\":\"3824x2160\",\"n\":10}";
            var quoted = quote(user.secret(), body, "Idempotency-Key", "quote-" + i);
            assertThat(quoted.statusCode()).as(quoted.body()).isEqualTo(200);
        }
        assertThat(footprint(workspace)).isEqualTo(before);
        assertThat(ApiClient.json(api().get("/api/v1/account", user.secret()))
                        .path("credits")
                        .path("balance")
                        .asLong())
                .isEqualTo(100);
    }

    Map<String, Object> footprint(String workspace) {
        List<String> ledger = new ArrayList<>();
        credits.history(HistoryQuery.firstPage(workspace, 200)).entries().stream()
                .map(LedgerEntry::id)
                .forEach(ledger::add);
        return Map.of(
                "tasks", count("select count(*) from image_tasks where workspace_id = ?", workspace),
                "ledger", ledger,
                "reservations", count("select count(*) from credit_reservation where workspace_id = ?", workspace),
                "idempotency keys", count("select count(*) from idempotency_keys where workspace_id = ?", workspace),
                "rate windows", count("select coalesce(sum(requests), 0) from rate_windows where scope = ?", workspace),
                "balance", credits.balance(workspace).spendable());
    }

    long count(String sql, String workspace) {
        return jdbc.sql(sql).param(workspace).query(Long.class).single();
    }

    @Test
    void aQuoteCountsAgainstTheReadLimitNotTheCreationLimit() {
        var user = ApiUsers.signUpWithKey(port, "live");
        int answered = 0;
        HttpResponse<String> response = null;
        for (int i = 0; i < 2 * READS_PER_MINUTE + 1; i++) {
            response = quote(user.secret(), "{\"prompt\":\"x\"}");
            if (response.statusCode() == 429) {
                break;
            }
            assertThat(ApiClient.json(response).path("accepted").asBoolean()).isTrue();
            answered++;
        }
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(answered).isGreaterThanOrEqualTo(READS_PER_MINUTE);
        assertThat(error(response).path("code").asString()).isEqualTo("rate_limit_exceeded");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        // More quotes than the creation limit were answered, and creating still works: quotes are not creations.
        assertThat(answered).isGreaterThan(CREATIONS_PER_MINUTE);
        assertThat(create(user.secret(), "{\"prompt\":\"x\"}").statusCode()).isEqualTo(202);
    }

    @Test
    void maxCreditsRefusesATaskThatCostsMoreAndWritesNothing() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String workspace = workspaceOf(user);
        var before = footprintWithoutWindow(workspace);

        var over = create(user.secret(), "{\"prompt\":\"x\",\"size\":\"1024x1024\",\"n\":3,\"max_credits\":29}");
        assertThat(over.statusCode()).as(over.body()).isEqualTo(400);
        assertThat(error(over).path("code").asString()).isEqualTo("max_credits_exceeded");
        assertThat(error(over).path("param").asString()).isEqualTo("max_credits");
        assertThat(error(over).path("message").asString()).contains("30");
        var enhancement = enhance(user.secret(), "{\"image_url\":\"%s\",\"max_credits\":9}".formatted(imageUrl()));
        assertThat(enhancement.statusCode()).as(enhancement.body()).isEqualTo(400);
        assertThat(error(enhancement).path("code").asString()).isEqualTo("max_credits_exceeded");
        assertThat(footprintWithoutWindow(workspace)).isEqualTo(before);

        var at = create(user.secret(), "{\"prompt\":\"x\",\"size\":\"1024x1024\",\"n\":3,\"max_credits\":30}");
        assertThat(at.statusCode()).as(at.body()).isEqualTo(202);
        assertThat(ApiClient.json(at).path("credits").asLong()).isEqualTo(30);

        for (String bad : List.of("0", "-1", "1.5", "\"10\"", "1000000001", "99999999999999999999999", "true")) {
            for (var path : List.of("/api/v1/images/generations", "/api/v1/images/quote")) {
                var refused = api().send(
                                "POST",
                                path,
                                "Bearer " + user.secret(),
                                "{\"prompt\":\"x\",\"max_credits\":" + bad + "}");
                assertThat(refused.statusCode()).as(path + " " + bad).isEqualTo(400);
                assertThat(error(refused).path("code").asString()).as(bad).isEqualTo("invalid_value");
                assertThat(error(refused).path("param").asString()).as(bad).isEqualTo("max_credits");
            }
        }
    }

    Map<String, Object> footprintWithoutWindow(String workspace) {
        var all = new java.util.HashMap<>(footprint(workspace));
        all.remove("rate windows");
        return all;
    }

    @Test
    void thePriceListIsPublicCacheableAndSaysWhatIsConfigured() {
        var response = api().get("/api/v1/pricing", null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(value -> assertThat(value)
                        .contains("public")
                        .contains("max-age=300")
                        .doesNotContain("no-store"));
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
        JsonNode body = ApiClient.json(response);

        var prices = generation.prices();
        assertThat(body.path("images")).hasSize(ImageSize.values().length);
        for (JsonNode row : body.path("images")) {
            long expected = switch (ImageSize.parse(row.path("size").asString())
                    .orElseThrow()
                    .sizeClass()) {
                case STANDARD -> prices.standard();
                case FULL_HD -> prices.fullHd();
                case UHD_4K -> prices.uhd4k();
            };
            assertThat(row.path("credits_per_image").asLong())
                    .as(row.toString())
                    .isEqualTo(expected);
        }
        assertThat(prices.fullHd()).isEqualTo(25);
        assertThat(body.path("enhancement").path("credits").asLong()).isEqualTo(prices.enhancement());

        JsonNode plans = body.path("plans");
        assertThat(plans.get(0).path("id").asString()).isEqualTo("free");
        assertThat(plans.get(0).path("name").asString())
                .isEqualTo(catalog.free().name());
        assertThat(plans.get(0).path("price").asLong()).isZero();
        var subscriptions = catalog.subscriptionsById();
        assertThat(plans).hasSize(1 + subscriptions.size());
        int i = 1;
        for (var entry : subscriptions.entrySet()) {
            JsonNode plan = plans.get(i++);
            assertThat(plan.path("id").asString()).isEqualTo(entry.getKey());
            assertThat(plan.path("name").asString()).isEqualTo(entry.getValue().name());
            assertThat(plan.path("price").asLong()).isEqualTo(entry.getValue().priceCents());
            assertThat(plan.path("currency").asString())
                    .isEqualTo(entry.getValue().currency());
            assertThat(plan.path("credits").asLong()).isEqualTo(entry.getValue().creditsPerPeriod());
            assertThat(plan.path("interval").asString()).isEqualTo("month");
        }
        var packs = catalog.packsById();
        assertThat(body.path("packs")).hasSize(packs.size()).isNotEmpty();
        int j = 0;
        for (var entry : packs.entrySet()) {
            JsonNode pack = body.path("packs").get(j++);
            assertThat(pack.path("id").asString()).isEqualTo(entry.getKey());
            assertThat(pack.path("price").asLong()).isEqualTo(entry.getValue().priceCents());
            assertThat(pack.path("currency").asString())
                    .isEqualTo(entry.getValue().currency());
            assertThat(pack.path("credits").asLong()).isEqualTo(entry.getValue().credits());
        }

        // A key is not needed, and a bad one does not turn the public answer into a 401.
        assertThat(api().get("/api/v1/pricing", "ig_live_nonsense").statusCode())
                .isEqualTo(200);
        // The rest of the API still needs a key.
        assertThat(api().get("/api/v1/account", null).statusCode()).isEqualTo(401);
        assertThat(api().send("POST", "/api/v1/images/quote", null, "{\"prompt\":\"x\"}")
                        .statusCode())
                .isEqualTo(401);
    }
}
