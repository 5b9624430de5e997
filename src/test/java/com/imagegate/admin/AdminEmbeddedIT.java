package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The console on the embedded default (H2 in MySQL mode), as `./mvnw spring-boot:run` with a bootstrap admin. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {AdminTesting.BOOTSTRAP_EMAIL, AdminTesting.BOOTSTRAP_PASSWORD, AdminTesting.FAST_SANDBOX})
class AdminEmbeddedIT {

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("imagegate.data-dir", AdminEmbeddedIT::tempDir);
    }

    @LocalServerPort
    int port;

    @Test
    void everyPageAndTheMainActionsWorkOnH2() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String task = AdminTesting.endedTask(port, user.secret(), "a harbour at night", "1024x1024", 1);
        Http admin = AdminTesting.admin(port);
        String search = admin.get("/admin/search?q=" + user.email()).body();
        String userPage = "/admin/users/" + first(search, "/admin/users/(usr_[0-9a-z]+)");
        String workspace = first(admin.get(userPage).body(), "/admin/workspaces/(ws_[0-9a-z]+)");

        for (String page : List.of(
                "/admin",
                "/admin/tasks",
                "/admin/tasks?status=succeeded&size=1024x1024&from=2020-01-01",
                "/admin/tasks/" + task,
                "/admin/workspaces/" + workspace,
                userPage,
                "/admin/usage",
                "/admin/usage.csv",
                "/admin/health",
                "/admin/abuse?ip=127.0.0.1",
                "/admin/audit",
                "/app/usage")) {
            assertThat(admin.get(page).statusCode()).as(page).isEqualTo(200);
        }

        String page = admin.get("/admin/workspaces/" + workspace).body();
        String csrf = admin.csrfToken("/admin/workspaces/" + workspace);
        admin.post(
                "/admin/workspaces/" + workspace + "/grant",
                csrf,
                Map.of(
                        "credits",
                        "500",
                        "reason",
                        "h2",
                        "token",
                        first(page, "name=\"token\" value=\"(adm_[0-9A-Za-z]+)\"")));
        admin.post(userPage + "/role", csrf, Map.of("role", "ADMIN", "reason", "h2"));
        admin.post("/admin/tasks/" + task + "/refund", csrf, Map.of("reason", "h2"));
        admin.post("/admin/health/integrity", csrf, Map.of());
        assertThat(admin.get("/admin/audit").body())
                .contains("credits.grant", "user.promote", "task.refund", "ledger.integrity_check");
        assertThat(admin.get("/admin/health").body()).contains("id=\"integrity-result\">consistent<");
        assertThat(admin.get("/admin").body()).contains("id=\"granted-today\">");
    }

    @Test
    void taskPagesAndTheProviderFilterShowTheLowercaseNames() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String task = AdminTesting.endedTask(port, user.secret(), "a lighthouse at dawn", "1024x1024", 1);
        Http admin = AdminTesting.admin(port);

        assertThat(admin.get("/admin/tasks/" + task).body())
                .contains("<span>generation</span>", "provider <span>sandbox</span>", "via <span>api</span>");
        assertThat(admin.get("/admin/tasks?provider=sandbox").body()).contains(task, "<td>sandbox</td>");
        assertThat(admin.get("/admin/tasks?provider=%20Sandbox%20").body()).contains(task);
        assertThat(admin.get("/admin/tasks?provider=openai").body()).doesNotContain(task);
        var unknown = admin.get("/admin/tasks?provider=dall-e");
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(unknown.body()).doesNotContain(task).contains("value=\"dall-e\"");
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("imagegate-admin-embedded").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
