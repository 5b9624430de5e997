package com.imagegate.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The low-balance alert's form on {@code /app/billing} over real HTTP, without SMTP (alert mail is kept in the
 * outbox): owners set and clear it (plain post and htmx), members see it read-only and are refused (403), bad input is
 * refused with a reason and nothing saved, and a threshold above the balance alerts at once, once.
 */
@MariaDbIntegrationTest
class BalanceAlertFormIT {

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

    @Test
    void ownersSetTheThresholdMembersOnlySeeItAndBadInputIsRefused() {
        var jdbc = new JdbcTemplate(dataSource);
        var owner = signedUp("alert-owner@example.com");
        owner.submitForm("/app/members", "/app/workspaces", Map.of("name", "Alert Team"));
        String team = jdbc.queryForObject(
                "select w.id from workspaces w join users u on u.id = w.created_by where u.email = ? and w.name = ?",
                String.class,
                "alert-owner@example.com",
                "Alert Team");

        // Bad input: refused with a reason, nothing saved.
        for (String bad : List.of("-5", "abc", "99999999999999", "1.5")) {
            var refused = owner.submitForm("/app/billing", "/app/billing/alert", Map.of("threshold", bad));
            assertThat(refused.statusCode()).as(bad).isEqualTo(422);
            assertThat(refused.body()).as(bad).contains("alert-threshold-error");
        }
        var htmxRefused = owner.postWithHeaders(
                "/app/billing/alert",
                owner.csrfToken("/app/billing"),
                Map.of("threshold", "-1"),
                Map.of("HX-Request", "true"));
        assertThat(htmxRefused.statusCode()).isEqualTo(422);
        assertThat(htmxRefused.body()).contains("whole number of credits").doesNotContain("<html");
        assertThat(thresholdOf(team)).isEmpty();
        assertThat(alertMails("alert-owner@example.com")).isZero();

        // The owner sets it (a plain post): the team holds 0 credits, below 500, so one alert goes at once.
        var saved = owner.submitForm("/app/billing", "/app/billing/alert", Map.of("threshold", "500"));
        assertThat(saved.statusCode()).isEqualTo(302);
        assertThat(thresholdOf(team)).containsExactly(500L);
        assertThat(alertMails("alert-owner@example.com")).isEqualTo(1);
        assertThat(owner.get("/app/billing").body()).contains("below 500 credits");
        // Saving the same threshold again sends nothing more; htmx gets the section back.
        var again = owner.postWithHeaders(
                "/app/billing/alert",
                owner.csrfToken("/app/billing"),
                Map.of("threshold", "500"),
                Map.of("HX-Request", "true"));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("Saved: the owners get an email").doesNotContain("<html");
        assertThat(alertMails("alert-owner@example.com")).isEqualTo(1);

        // A member sees it, without the form, and cannot change it.
        owner.submitForm(
                "/app/members", "/app/members/invite", Map.of("email", "alert-member@example.com", "role", "MEMBER"));
        String link = invitationLink("alert-member@example.com");
        var member = signedUp("alert-member@example.com");
        member.submitForm(link, "/invitations/accept", Map.of("token", link.substring(link.indexOf('=') + 1)));
        String page = member.get("/app/billing").body();
        assertThat(page).contains("below 500 credits", "Only owners and admins of this workspace can change the alert");
        assertThat(page).doesNotContain("balance-alert-form");
        var forbidden = member.post("/app/billing/alert", member.csrfToken("/app/billing"), Map.of("threshold", "1"));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        var cleared = member.post("/app/billing/alert", member.csrfToken("/app/billing"), Map.of("threshold", ""));
        assertThat(cleared.statusCode()).isEqualTo(403);
        assertThat(thresholdOf(team)).containsExactly(500L);
        // Without the CSRF token nobody changes it.
        assertThat(owner.post("/app/billing/alert", "wrong", Map.of("threshold", "1"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(thresholdOf(team)).containsExactly(500L);

        // The owner clears it.
        assertThat(owner.submitForm("/app/billing", "/app/billing/alert", Map.of("threshold", " "))
                        .statusCode())
                .isEqualTo(302);
        assertThat(thresholdOf(team)).isEmpty();
        assertThat(owner.get("/app/billing").body()).contains("Alert: <strong>none</strong>");
    }

    private List<Long> thresholdOf(String workspaceId) {
        return new JdbcTemplate(dataSource)
                .queryForList("select threshold from credit_alerts where workspace_id = ?", Long.class, workspaceId);
    }

    private int alertMails(String email) {
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "select count(*) from mail_outbox where recipient = ? and subject like 'Low balance%'",
                        Integer.class, email);
    }

    private String invitationLink(String email) {
        var bodies = new JdbcTemplate(dataSource)
                .queryForList(
                        "select body from mail_outbox where recipient = ? order by created_at desc, id desc",
                        String.class,
                        email);
        assertThat(bodies).isNotEmpty();
        Matcher m =
                Pattern.compile("(/invitations/accept\\?token=[A-Za-z0-9_-]+)").matcher(bodies.getFirst());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
