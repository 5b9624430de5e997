package com.imagegate.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Usage by day and key, and the gallery's delete, over real HTTP with a signed-in session and an API key. */
@MariaDbIntegrationTest(properties = "imagegate.generation.sandbox.delay=0ms")
class UsageAndGalleryIT {

    private static final Pattern SECRET = Pattern.compile("ig_live_[0-9A-Za-z]{43}");

    @LocalServerPort
    int port;

    record Account(Http http, String secret) {}

    Account signUpWithKey(String keyName) {
        Http http = new Http(port);
        String email = "usage-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertThat(http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        var created = http.submitForm("/app/keys", "/app/keys", Map.of("name", keyName, "mode", "live"));
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).isTrue();
        return new Account(http, secret.group());
    }

    String finishedTask(String secret, String prompt) {
        return finishedTask(secret, prompt, 1, null);
    }

    String finishedTask(String secret, String prompt, int n, String user) {
        var api = new ApiClient(port);
        var accepted = api.send(
                "POST",
                "/api/v1/images/generations",
                "Bearer " + secret,
                "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\",\"n\":" + n
                        + (user == null ? "" : ",\"user\":\"" + user + "\"") + "}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = ApiClient.json(accepted).get("id").asString();
        var ended = api.get("/api/v1/images/tasks/" + id + "?wait=30", secret);
        assertThat(ApiClient.json(ended).get("status").asString()).isIn("succeeded", "failed");
        return id;
    }

    @Test
    void usageCountsTasksImagesFailuresAndCreditsPerKeyAndDay() {
        Account account = signUpWithKey("=cmd|' /C calc'!A0");
        finishedTask(account.secret(), "A lighthouse");
        finishedTask(account.secret(), "this will [[fail]]");
        finishedTask(account.secret(), "A harbour");

        var csv = account.http().get("/app/usage.csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
        assertThat(csv.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(v -> assertThat(v).contains("attachment"));
        List<String> lines = csv.body().lines().toList();
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("day,key_id,key,tasks,images,failures,credits");
        // The key's name starts like a spreadsheet formula: it is quoted and neutralised.
        assertThat(lines.get(1)).startsWith(today + ",\"key_").endsWith(",3,2,1,20");
        assertThat(lines.get(1)).contains("\"'=cmd|' /C calc'!A0 (ig_live_");

        var page = account.http().get("/app/usage");
        assertThat(page.body()).contains("id=\"total-credits\">20<").contains("id=\"total-failures\">1<");

        assertThat(account.http().get("/app/usage?from=2026-13-01").statusCode())
                .isEqualTo(400);
        assertThat(account.http()
                        .get("/app/usage?from=2020-01-01&to=2026-01-01")
                        .body())
                .contains("Choose at most 366 days");
    }

    @Test
    void usageByUserShowsEachEndUsersTasksImagesAndCreditsOnThePageAndInTheCsv() {
        Account account = signUpWithKey("by user");
        finishedTask(account.secret(), "one", 2, "alice");
        finishedTask(account.secret(), "two", 1, "alice");
        finishedTask(account.secret(), "this will [[fail]]", 1, "alice");
        finishedTask(account.secret(), "three", 4, "=HYPERLINK(\\\"x\\\")");
        finishedTask(account.secret(), "no user", 1, null);
        Account stranger = signUpWithKey("stranger");
        finishedTask(stranger.secret(), "elsewhere", 1, "alice");

        String page = account.http().get("/app/usage").body().replaceAll(">\\s+<", "><");
        String table = page.substring(
                page.indexOf("id=\"by-user\""), page.indexOf("</table>", page.indexOf("id=\"by-user\"")));
        // The most credits first; tasks without a user and other workspaces' tasks are not there.
        assertThat(table)
                .contains("<th scope=\"row\">=HYPERLINK(&quot;x&quot;)</th><td>1</td><td>4</td><td>40</td></tr>"
                        + "<tr><th scope=\"row\">alice</th><td>3</td><td>3</td><td>30</td></tr>");
        assertThat(table.split("<th scope=\"row\">", -1)).as("two users").hasSize(3);

        var csv = account.http().get("/app/usage/users.csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
        assertThat(csv.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(v -> assertThat(v).contains("attachment").contains("by-user"));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String from = LocalDate.now(ZoneOffset.UTC).minusDays(29).toString();
        assertThat(csv.body().lines().toList())
                .containsExactly(
                        "from,to,user,tasks,images,credits",
                        // A user id that starts like a formula is quoted and neutralised.
                        from + "," + today + ",\"'=HYPERLINK(\"\"x\"\")\",1,4,40",
                        from + "," + today + ",\"alice\",3,3,30");
        assertThat(account.http().get("/app/usage/users.csv?to=nope").statusCode())
                .isEqualTo(400);
    }

    @Test
    void anImageIsDeletedOnlyByItsOwnWorkspaceAndItsLinkThenAnswers410() {
        Account owner = signUpWithKey("owner key");
        Account stranger = signUpWithKey("stranger key");
        String taskId = finishedTask(owner.secret(), "A lighthouse");
        var task = ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + taskId, owner.secret()));
        String link = task.get("data").get(0).get("url").asString();
        Http anonymous = new Http(port);
        String path = link.substring(link.indexOf("/files/"));
        assertThat(anonymous.get(path).statusCode()).isEqualTo(200);

        var refused = stranger.http()
                .post(
                        "/app/gallery/" + taskId + "/images/0/delete",
                        stranger.http().csrfToken("/app/gallery"),
                        Map.of());
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(anonymous.get(path).statusCode()).isEqualTo(200);
        assertThat(stranger.http().get("/app/gallery?q=lighthouse").body()).doesNotContain(taskId);
        assertThat(owner.http().get("/app/gallery?q=lighthouse").body()).contains("image-" + taskId + "-0");

        var deleted = owner.http()
                .post(
                        "/app/gallery/" + taskId + "/images/0/delete",
                        owner.http().csrfToken("/app/gallery"),
                        Map.of());
        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(anonymous.get(path).statusCode()).isEqualTo(410);
        assertThat(owner.http().get("/app/gallery").body()).doesNotContain("image-" + taskId + "-0");
        // Credits are not returned for a deleted image.
        var account = ApiClient.json(new ApiClient(port).get("/api/v1/account", owner.secret()));
        assertThat(account.get("credits").get("balance").asLong()).isEqualTo(90);
    }
}
