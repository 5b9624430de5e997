package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The overview's figures in a seeded scenario equal the ledger's (and the tasks') own sums; the usage export, roles,
 * the integrity check and the studio's suspension notice work over real HTTP.
 */
@MariaDbIntegrationTest(
        properties = {AdminTesting.BOOTSTRAP_EMAIL, AdminTesting.BOOTSTRAP_PASSWORD, AdminTesting.FAST_SANDBOX})
class AdminOverviewIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void overviewNumbersEqualTheLedgersSums() {
        var first = ApiUsers.signUpWithKey(port, "live");
        var second = ApiUsers.signUpWithKey(port, "live");
        AdminTesting.endedTask(port, first.secret(), "two cats", "1024x1024", 2);
        AdminTesting.endedTask(port, first.secret(), "a wide valley", "1536x1024", 1);
        AdminTesting.endedTask(port, second.secret(), "broken [[fail]]", "1024x1024", 1);
        AdminTesting.endedTask(port, second.secret(), "a tall tower", "1024x1536", 3);
        Http admin = AdminTesting.admin(port);
        String workspace = workspaceOf(first.email());
        grant(admin, workspace, "250");
        adjust(admin, workspace, "-30");

        String page = admin.get("/admin").body();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        // A fresh database: everything happened within the last 30 days (and today).
        long spent = jdbc.queryForObject(
                "select coalesce(-sum(held), 0) from credit_entry where kind = 'CAPTURE'", Long.class);
        long granted = jdbc.queryForObject(
                "select coalesce(sum(amount), 0) from credit_entry where kind in ('GRANT', 'PURCHASE', 'PLAN_ALLOWANCE')",
                Long.class);
        long adjusted = jdbc.queryForObject(
                "select coalesce(sum(amount), 0) from credit_entry where kind = 'ADJUSTMENT'", Long.class);
        long tasks = jdbc.queryForObject("select count(*) from image_tasks", Long.class);
        long failed = jdbc.queryForObject("select count(*) from image_tasks where status = 'FAILED'", Long.class);
        long images = jdbc.queryForObject("select count(*) from task_images", Long.class);
        long signups = jdbc.queryForObject("select count(*) from users", Long.class);
        assertThat(spent).isPositive();
        assertThat(failed).isPositive();
        assertThat(adjusted).isEqualTo(-30);
        for (String period : new String[] {"30d", "7d"}) {
            assertThat(cell(page, "spent-" + period)).isEqualTo(spent);
            assertThat(cell(page, "granted-" + period)).isEqualTo(granted);
            assertThat(cell(page, "adjusted-" + period)).isEqualTo(adjusted);
            assertThat(cell(page, "tasks-" + period)).isEqualTo(tasks);
            assertThat(cell(page, "failed-" + period)).isEqualTo(failed);
            assertThat(cell(page, "images-" + period)).isEqualTo(images);
            assertThat(cell(page, "signups-" + period)).isEqualTo(signups);
        }
        // The top spender is one of the two, and the chart carries today's spend.
        assertThat(page).contains("id=\"top-spenders\"").contains(workspace);
        assertThat(page)
                .contains("data-chart=")
                .contains(LocalDate.now(ZoneOffset.UTC).toString());

        // The usage export: one row per workspace and day, images by size, summing to the same totals.
        var csv = admin.get("/admin/usage.csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).startsWith("day,workspace_id,workspace,tasks,failures,credits,images_1024x1024");
        long csvCredits = 0;
        long csvImages = 0;
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",");
            csvCredits += Long.parseLong(cells[5]);
            csvImages += Long.parseLong(cells[cells.length - 1]);
        }
        assertThat(csvCredits).isEqualTo(spent);
        assertThat(csvImages).isEqualTo(images);
        assertThat(admin.get("/admin/usage.csv?from=2026-02-01&to=2026-01-01").statusCode())
                .isEqualTo(400);
        assertThat(admin.get("/admin/usage.csv?from=nonsense").statusCode()).isEqualTo(400);
    }

    @Test
    void badAmountsAndMissingReasonsAreRefusedAndChangeNothing() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String workspace = workspaceOf(user.email());
        long before = AdminTesting.balance(port, user.secret());
        Http admin = AdminTesting.admin(port);
        String token = token(admin.get("/admin/workspaces/" + workspace).body());
        String csrf = admin.csrfToken("/admin/workspaces/" + workspace);

        var noReason = admin.post(
                "/admin/workspaces/" + workspace + "/grant",
                csrf,
                Map.of("credits", "10", "reason", " ", "token", token));
        assertThat(noReason.statusCode()).isEqualTo(302);
        assertThat(admin.get("/admin/workspaces/" + workspace).body()).contains("Give a reason");
        admin.post(
                "/admin/workspaces/" + workspace + "/adjust",
                csrf,
                Map.of("credits", "-100000", "reason", "x", "token", token));
        assertThat(admin.get("/admin/workspaces/" + workspace).body()).contains("below zero");
        admin.post(
                "/admin/workspaces/" + workspace + "/grant",
                csrf,
                Map.of("credits", "ten", "reason", "x", "token", token));
        assertThat(admin.get("/admin/workspaces/" + workspace).body()).contains("whole number");
        assertThat(AdminTesting.balance(port, user.secret())).isEqualTo(before);

        // The same form submitted twice grants once.
        grantWith(admin, workspace, "40", token, csrf);
        grantWith(admin, workspace, "40", token, csrf);
        assertThat(AdminTesting.balance(port, user.secret())).isEqualTo(before + 40);
    }

    @Test
    void theLastAdminCannotBeDemotedAndAPromotedAdminCanSeeTheConsole() {
        var user = ApiUsers.signUpWithKey(port, "live");
        Http admin = AdminTesting.admin(port);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        String adminId =
                jdbc.queryForObject("select id from users where email = ?", String.class, AdminTesting.ADMIN_EMAIL);
        String userId = jdbc.queryForObject("select id from users where email = ?", String.class, user.email());
        String csrf = admin.csrfToken("/admin/users/" + adminId);

        // Demoting someone who is the only admin is refused (the bootstrap admin here, by themselves).
        assertThat(jdbc.queryForObject("select count(*) from users where role = 'ADMIN'", Long.class))
                .isEqualTo(1);
        admin.post("/admin/users/" + adminId + "/role", csrf, Map.of("role", "USER", "reason", "leaving"));
        assertThat(admin.get("/admin/users/" + adminId).body()).contains("last admin");
        assertThat(role(adminId)).isEqualTo("ADMIN");

        admin.post("/admin/users/" + userId + "/role", csrf, Map.of("role", "ADMIN", "reason", "new operator"));
        assertThat(role(userId)).isEqualTo("ADMIN");
        Http promoted = AdminTesting.signedIn(port, user.email(), "a-good-password");
        assertThat(promoted.get("/admin").statusCode()).isEqualTo(200);
        admin.post("/admin/users/" + userId + "/role", csrf, Map.of("role", "USER", "reason", "trial over"));
        assertThat(role(userId)).isEqualTo("USER");
        assertThat(admin.get("/admin/audit?action=user.promote").body()).contains("new operator");
        assertThat(admin.get("/admin/audit?action=user.demote").body())
                .contains("trial over")
                .doesNotContain("new operator");
    }

    @Test
    void integrityCheckIsKeptAndASuspendedWorkspacesStudioSaysWhy() {
        Http admin = AdminTesting.admin(port);
        String csrf = admin.csrfToken("/admin/health");
        admin.post("/admin/health/integrity", csrf, Map.of());
        String health = admin.get("/admin/health").body();
        assertThat(health).contains("id=\"integrity-result\">consistent<", "channels-none", "job-stats");

        var user = ApiUsers.signUpWithKey(port, "live");
        String workspace = workspaceOf(user.email());
        admin.post("/admin/workspaces/" + workspace + "/suspend", csrf, Map.of("reason", "abuse"));
        Http member = AdminTesting.signedIn(port, user.email(), "a-good-password");
        assertThat(member.get("/app/studio").body()).contains("id=\"workspace-suspended\"");
        var generate = member.post(
                "/app/studio", member.csrfToken("/app/studio"), Map.of("prompt", "a cat", "size", "1024x1024"));
        assertThat(generate.statusCode()).isEqualTo(400);
        assertThat(generate.body()).contains("This workspace is suspended");
        admin.post("/admin/workspaces/" + workspace + "/unsuspend", csrf, Map.of("reason", "resolved"));
        assertThat(AdminTesting.balance(port, user.secret())).isPositive();
    }

    private String role(String userId) {
        return new JdbcTemplate(dataSource).queryForObject("select role from users where id = ?", String.class, userId);
    }

    private void grant(Http admin, String workspace, String credits) {
        String page = admin.get("/admin/workspaces/" + workspace).body();
        grantWith(admin, workspace, credits, token(page), admin.csrfToken("/admin/workspaces/" + workspace));
    }

    private void grantWith(Http admin, String workspace, String credits, String token, String csrf) {
        var response = admin.post(
                "/admin/workspaces/" + workspace + "/grant",
                csrf,
                Map.of("credits", credits, "reason", "seeded", "token", token));
        assertThat(response.statusCode()).isEqualTo(302);
    }

    private void adjust(Http admin, String workspace, String credits) {
        String page = admin.get("/admin/workspaces/" + workspace).body();
        admin.post(
                "/admin/workspaces/" + workspace + "/adjust",
                admin.csrfToken("/admin/workspaces/" + workspace),
                Map.of("credits", credits, "reason", "seeded", "token", token(page)));
    }

    private static String token(String page) {
        Matcher token =
                Pattern.compile("name=\"token\" value=\"(adm_[0-9A-Za-z]+)\"").matcher(page);
        assertThat(token.find()).isTrue();
        return token.group(1);
    }

    private static long cell(String page, String id) {
        Matcher cell =
                Pattern.compile("id=\"" + Pattern.quote(id) + "\">([0-9-]+)<").matcher(page);
        assertThat(cell.find()).as(id).isTrue();
        return Long.parseLong(cell.group(1));
    }

    private String workspaceOf(String email) {
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by"
                                + " where u.email = ? and w.personal = true",
                        String.class,
                        email);
    }
}
