package com.imagegate.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Team workspaces, invitations by email and roles, over real HTTP (no SMTP: invitation mail is kept in the outbox, and
 * the log only says so).
 */
@ExtendWith(OutputCaptureExtension.class)
@MariaDbIntegrationTest(
        properties = {
            "imagegate.accounts.invitations-per-workspace-per-day=6",
            "imagegate.accounts.invitations-per-address-per-day=3"
        })
class TeamsIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    Http signedUp(String email) {
        var http = new Http(port);
        assertThat(http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        return http;
    }

    String teamOf(String ownerEmail, Http owner, String name) {
        owner.submitForm("/app/members", "/app/workspaces", Map.of("name", name));
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ? and w.name = ?",
                        String.class,
                        ownerEmail,
                        name);
    }

    /** The newest invitation link kept in the outbox for this address; the log must not carry it. */
    String invitationLink(CapturedOutput output, String email) {
        var bodies = new JdbcTemplate(dataSource)
                .queryForList(
                        "select body from mail_outbox where recipient = ? order by created_at desc, id desc",
                        String.class,
                        email);
        assertThat(bodies).as("invitation mail for " + email + " in the outbox").isNotEmpty();
        Matcher m =
                Pattern.compile("(/invitations/accept\\?token=[A-Za-z0-9_-]+)").matcher(bodies.getFirst());
        assertThat(m.find()).as("invitation link in the mail").isTrue();
        String link = m.group(1);
        assertThat(output.getAll()).doesNotContain(link.substring(link.indexOf('=') + 1));
        return link;
    }

    @Test
    void ownerInvitesAPersonWhoAcceptsAndBecomesAMember(CapturedOutput output) {
        var owner = signedUp("owner1@example.com");
        teamOf("owner1@example.com", owner, "Studio Team");

        var invited = owner.submitForm(
                "/app/members", "/app/members/invite", Map.of("email", "Bob1@Example.com", "role", "MEMBER"));
        assertThat(invited.statusCode()).isEqualTo(302);
        assertThat(owner.get("/app/members").body()).contains("bob1@example.com", "Open invitations");

        String link = invitationLink(output, "bob1@example.com");
        var bob = signedUp("bob1@example.com");
        var accepted =
                bob.submitForm(link, "/invitations/accept", Map.of("token", link.substring(link.indexOf('=') + 1)));
        assertThat(accepted.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/app"));
        assertThat(bob.get("/app").body()).contains("Studio Team", "You are <span>member</span>");

        var again = bob.submitForm(link, "/invitations/accept", Map.of("token", link.substring(link.indexOf('=') + 1)));
        assertThat(again.statusCode()).as("link works once").isEqualTo(422);
    }

    @Test
    void anInvitationOnlyWorksForTheInvitedAddress(CapturedOutput output) {
        var owner = signedUp("owner2@example.com");
        teamOf("owner2@example.com", owner, "Private Team");
        owner.submitForm("/app/members", "/app/members/invite", Map.of("email", "carol2@example.com", "role", "ADMIN"));
        String link = invitationLink(output, "carol2@example.com");

        var mallory = signedUp("mallory2@example.com");
        var stolen =
                mallory.submitForm(link, "/invitations/accept", Map.of("token", link.substring(link.indexOf('=') + 1)));

        assertThat(stolen.statusCode()).isEqualTo(422);
        assertThat(stolen.body()).contains("for another email address");
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject(
                                "select count(*) from memberships m join users u on u.id = m.user_id join workspaces w on w.id = m.workspace_id"
                                        + " where u.email = 'mallory2@example.com' and w.name = 'Private Team'",
                                Integer.class))
                .isZero();
    }

    @Test
    void membersCannotInviteAndTheLastOwnerCannotStepDown(CapturedOutput output) {
        var owner = signedUp("owner3@example.com");
        String team = teamOf("owner3@example.com", owner, "Roles Team");
        owner.submitForm("/app/members", "/app/members/invite", Map.of("email", "dave3@example.com", "role", "MEMBER"));
        String link = invitationLink(output, "dave3@example.com");
        var dave = signedUp("dave3@example.com");
        dave.submitForm(link, "/invitations/accept", Map.of("token", link.substring(link.indexOf('=') + 1)));
        var jdbc = new JdbcTemplate(dataSource);
        int invitationsBefore =
                jdbc.queryForObject("select count(*) from invitations where workspace_id = ?", Integer.class, team);

        dave.submitForm("/app/members", "/app/members/invite", Map.of("email", "eve3@example.com", "role", "OWNER"));

        assertThat(dave.get("/app/members").body()).doesNotContain("Invite someone");
        assertThat(jdbc.queryForObject("select count(*) from invitations where workspace_id = ?", Integer.class, team))
                .isEqualTo(invitationsBefore);

        String ownerId = jdbc.queryForObject("select id from users where email = 'owner3@example.com'", String.class);
        owner.submitForm("/app/members", "/app/members/" + ownerId + "/role", Map.of("role", "MEMBER"));
        assertThat(owner.get("/app/members").body()).contains("at least one owner");
        assertThat(jdbc.queryForObject(
                        "select role from memberships where workspace_id = ? and user_id = ?",
                        String.class,
                        team,
                        ownerId))
                .isEqualTo("OWNER");
    }

    @Test
    void someoneElsesWorkspaceCannotBeSelectedOrManaged() {
        var owner = signedUp("owner4@example.com");
        String team = teamOf("owner4@example.com", owner, "Closed Team");
        var outsider = signedUp("outsider4@example.com");
        String ownerId = new JdbcTemplate(dataSource)
                .queryForObject("select id from users where email = 'owner4@example.com'", String.class);

        var switched = outsider.submitForm("/app", "/app/workspace", Map.of("workspaceId", team));
        assertThat(switched.statusCode()).isEqualTo(302);
        assertThat(outsider.get("/app").body())
                .doesNotContain("Closed Team")
                .contains("That workspace is not one of yours");

        outsider.submitForm("/app/members", "/app/members/" + ownerId + "/remove", Map.of());
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("select count(*) from memberships where workspace_id = ?", Integer.class, team))
                .isEqualTo(1);
    }

    @Test
    void workspaceNamesAreValidated() {
        var owner = signedUp("owner5@example.com");
        int before = new JdbcTemplate(dataSource).queryForObject("select count(*) from workspaces", Integer.class);

        owner.submitForm("/app/members", "/app/workspaces", Map.of("name", "   "));
        assertThat(owner.get("/app/members").body()).contains("Give the workspace a name");
        owner.submitForm("/app/members", "/app/workspaces", Map.of("name", "x".repeat(81)));
        owner.submitForm("/app/members", "/app/workspaces", Map.of("name", "bad\u0000name"));

        assertThat(new JdbcTemplate(dataSource).queryForObject("select count(*) from workspaces", Integer.class))
                .isEqualTo(before);
    }

    @Test
    void aRemovedMembersApiKeysOfThatWorkspaceStopWorkingAndTheRevocationIsAudited(CapturedOutput output) {
        var owner = signedUp("owner6@example.com");
        String team = teamOf("owner6@example.com", owner, "Keys Team");
        owner.submitForm("/app/members", "/app/members/invite", Map.of("email", "frank6@example.com", "role", "ADMIN"));
        String link = invitationLink(output, "frank6@example.com");
        var frank = signedUp("frank6@example.com");
        frank.submitForm(link, "/invitations/accept", Map.of("token", link.substring(link.indexOf('=') + 1)));
        frank.submitForm("/app", "/app/workspace", Map.of("workspaceId", team));
        var created = frank.submitForm("/app/keys", "/app/keys", Map.of("name", "frank's key", "mode", "test"));
        Matcher secret = Pattern.compile("ig_test_[0-9A-Za-z]{43}").matcher(created.body());
        assertThat(secret.find()).as("secret shown").isTrue();
        var api = new ApiClient(port);
        assertThat(api.get("/api/v1/account", secret.group()).statusCode()).isEqualTo(200);
        var jdbc = new JdbcTemplate(dataSource);
        String frankId = jdbc.queryForObject("select id from users where email = 'frank6@example.com'", String.class);

        var removed = owner.submitForm("/app/members", "/app/members/" + frankId + "/remove", Map.of());
        assertThat(removed.statusCode()).isEqualTo(302);

        assertThat(api.get("/api/v1/account", secret.group()).statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForObject(
                        "select count(*) from admin_audit_log where action = 'apikey.revoke_removed_member'"
                                + " and target_id = ? and workspace_id = ? and admin_email = 'owner6@example.com'",
                        Integer.class,
                        frankId,
                        team))
                .isEqualTo(1);
    }

    @Test
    void aReInvitationReplacesThePreviousOneAndAnAddressGetsAFewPerDay(CapturedOutput output) {
        var owner = signedUp("owner7@example.com");
        String team = teamOf("owner7@example.com", owner, "Invite Team");
        var jdbc = new JdbcTemplate(dataSource);

        owner.submitForm("/app/members", "/app/members/invite", Map.of("email", "gina7@example.com", "role", "MEMBER"));
        String first = invitationLink(output, "gina7@example.com");
        owner.submitForm("/app/members", "/app/members/invite", Map.of("email", "Gina7@example.com", "role", "ADMIN"));
        String second = invitationLink(output, "gina7@example.com");
        assertThat(second).isNotEqualTo(first);
        assertThat(jdbc.queryForObject(
                        "select count(*) from invitations where workspace_id = ? and email = 'gina7@example.com'"
                                + " and accepted_at is null and revoked_at is null",
                        Integer.class,
                        team))
                .as("one live invitation per address")
                .isEqualTo(1);
        owner.submitForm("/app/members", "/app/members/invite", Map.of("email", "gina7@example.com", "role", "ADMIN"));
        String third = invitationLink(output, "gina7@example.com");

        var fourth = owner.submitForm(
                "/app/members", "/app/members/invite", Map.of("email", "gina7@example.com", "role", "ADMIN"));
        assertThat(fourth.statusCode()).isEqualTo(302);
        assertThat(owner.get("/app/members").body()).contains("as many invitations as it may");
        assertThat(invitationLink(output, "gina7@example.com"))
                .as("no new link")
                .isEqualTo(third);

        var gina = signedUp("gina7@example.com");
        var old =
                gina.submitForm(first, "/invitations/accept", Map.of("token", first.substring(first.indexOf('=') + 1)));
        assertThat(old.statusCode()).as("a replaced link is dead").isEqualTo(422);
        var current =
                gina.submitForm(third, "/invitations/accept", Map.of("token", third.substring(third.indexOf('=') + 1)));
        assertThat(current.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/app"));
    }

    @Test
    void aWorkspaceSendsAFewInvitationsPerDay() {
        var owner = signedUp("owner8@example.com");
        String team = teamOf("owner8@example.com", owner, "Busy Team");
        for (int i = 0; i < 6; i++) {
            owner.submitForm(
                    "/app/members",
                    "/app/members/invite",
                    Map.of("email", "guest" + i + "-8@example.com", "role", "MEMBER"));
        }
        var seventh = owner.submitForm(
                "/app/members", "/app/members/invite", Map.of("email", "guest6-8@example.com", "role", "MEMBER"));

        assertThat(seventh.statusCode()).isEqualTo(302);
        assertThat(owner.get("/app/members").body()).contains("6 invitations in the last 24 hours");
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("select count(*) from invitations where workspace_id = ?", Integer.class, team))
                .isEqualTo(6);
    }
}
