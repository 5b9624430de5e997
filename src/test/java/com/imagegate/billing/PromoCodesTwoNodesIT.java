package com.imagegate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.ImagegateApplication;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A code's maximum holds across nodes: twenty workspaces, half signed in on each of two nodes sharing one database,
 * redeem a code of at most five redemptions at once. The code's row lock (and the counter's check constraint) is in
 * the database, so exactly five are granted, whichever node each request reached.
 */
@MariaDbIntegrationTest(properties = {"imagegate.billing.promo-codes.attempts-per-address=1000"})
class PromoCodesTwoNodesIT {

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @Autowired
    PromoCodes promoCodes;

    @Autowired
    JdbcTemplate jdbc;

    record Owner(Http http, String csrf) {}

    static Owner signUp(int port) {
        String email = "two-nodes-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Http http = new Http(port);
        assertThat(http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        return new Owner(http, http.csrfToken("/app/billing"));
    }

    @Test
    void aCodeOfFiveRedemptionsGrantsExactlyFiveWhenTwentyWorkspacesRedeemItOnTwoNodesAtOnce() {
        PromoCodes.Code code =
                promoCodes.create(new PromoCodes.NewCode(null, 250, 14, null, 5, false, "two nodes"), "admin:test");
        Map<String, String> settings = Map.ofEntries(
                Map.entry("server.port", "0"),
                Map.entry("spring.datasource.url", environment.getRequiredProperty("spring.datasource.url")),
                Map.entry("spring.datasource.username", environment.getRequiredProperty("spring.datasource.username")),
                Map.entry("spring.datasource.password", environment.getProperty("spring.datasource.password", "")),
                Map.entry("spring.datasource.hikari.maximum-pool-size", "10"),
                Map.entry(
                        "imagegate.storage.filesystem.root",
                        environment.getRequiredProperty("imagegate.storage.filesystem.root")),
                Map.entry("imagegate.billing.promo-codes.attempts-per-address", "1000"));
        try (var nodeB = new SpringApplicationBuilder(ImagegateApplication.class)
                .profiles("mysql")
                .run(settings.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new))) {
            int portB = Integer.parseInt(nodeB.getEnvironment().getRequiredProperty("local.server.port"));
            List<Owner> owners = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                owners.add(signUp(i % 2 == 0 ? port : portB));
            }

            var outcomes = Concurrently.run(
                    20,
                    i -> owners.get(i)
                            .http()
                            .postWithHeaders(
                                    "/app/billing/promo",
                                    owners.get(i).csrf(),
                                    Map.of("code", code.code()),
                                    Map.of("HX-Request", "true")));

            assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
            List<HttpResponse<String>> responses =
                    outcomes.stream().map(Concurrently.Outcome::value).toList();
            assertThat(responses).filteredOn(r -> r.statusCode() == 200).hasSize(5);
            assertThat(responses)
                    .filteredOn(r -> r.statusCode() == 422)
                    .hasSize(15)
                    .allSatisfy(r -> assertThat(r.body()).contains("used as often as it may be"));
            assertThat(jdbc.queryForObject(
                            "select count(*) from credit_entry where reference like ?",
                            Integer.class,
                            "promo:" + code.id() + ":%"))
                    .isEqualTo(5);
            assertThat(jdbc.queryForObject(
                            "select coalesce(sum(amount), 0) from credit_entry where reference like ?",
                            Long.class,
                            "promo:" + code.id() + ":%"))
                    .isEqualTo(5 * 250L);
            assertThat(jdbc.queryForObject(
                            "select count(*) from billing_promo_redemptions where code_id = ?",
                            Integer.class,
                            code.id()))
                    .isEqualTo(5);
            assertThat(promoCodes.find(code.id()).orElseThrow().redemptions()).isEqualTo(5);
        }
    }
}
