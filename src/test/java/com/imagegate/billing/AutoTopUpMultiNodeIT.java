package com.imagegate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.AppNode;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.FakeStripe;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Auto top-up on two nodes sharing one database: 20 creations crossing the threshold together, half on each node,
 * make one crossing, one attempt and one PaymentIntent at Stripe; the success webhook delivered to both nodes grants
 * the pack once.
 */
class AutoTopUpMultiNodeIT {

    static final Pattern SECRET = Pattern.compile("ig_live_[0-9A-Za-z]{43}");

    final List<AppNode> nodes = new ArrayList<>();
    final FakeStripe stripe = new FakeStripe();

    @AfterEach
    void stop() {
        nodes.forEach(AppNode::close);
        stripe.close();
    }

    @Test
    void twentyCreationsOnTwoNodesCrossingTogetherChargeOnceAndTheWebhookGrantsOnce() throws Exception {
        TestDatabase server = TestDatabase.get();
        String jdbcUrl = server.jdbcUrl(server.newDatabase());
        var settings = new LinkedHashMap<String, String>();
        settings.put("spring.profiles.active", "mysql");
        settings.put("spring.datasource.url", jdbcUrl);
        settings.put("spring.datasource.username", server.username());
        settings.put("spring.datasource.password", server.password());
        settings.put(
                "imagegate.data-dir",
                Files.createTempDirectory("imagegate-topup").toString());
        settings.put("imagegate.generation.sandbox.delay", "0ms");
        settings.put("imagegate.plans.free.requests-per-minute", "1000");
        settings.put("imagegate.plans.free.concurrent-tasks", "1000");
        settings.put("imagegate.billing.stripe.secret-key", "sk_test_fake");
        settings.put("imagegate.billing.stripe.webhook-secret", FakeStripe.WEBHOOK_SECRET);
        settings.put("imagegate.billing.stripe.api-base", stripe.baseUrl());
        // One after the other: the first creates the schema.
        AppNode a = start("topup-a", settings);
        AppNode b = start("topup-b", settings);

        Http owner = new Http(a.port());
        String email = "multi-topup@example.com";
        assertThat(owner.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        Matcher secret = SECRET.matcher(owner.submitForm("/app/keys", "/app/keys", Map.of("name", "k", "mode", "live"))
                .body());
        assertThat(secret.find()).isTrue();
        String workspaceId = text(
                "select w.id from workspaces w join users u on u.id = w.created_by where u.email = '" + email + "'",
                jdbcUrl,
                server);
        var setup = owner.submitForm("/app/billing", "/app/billing/topup/card", Map.of());
        String location = setup.headers().firstValue("Location").orElseThrow();
        String session = location.substring(location.lastIndexOf('/') + 1);
        stripe.completeSetupCheckout(session, "visa", "4242");
        assertThat(stripe.send(b.port(), Clock.systemUTC(), "checkout.session.completed", session)
                        .statusCode())
                .isEqualTo(200);
        var form = new LinkedHashMap<String, String>();
        form.put("threshold", "55");
        form.put("pack", "standard");
        form.put("monthly_max", "3");
        form.put("enabled", "true");
        assertThat(owner.submitForm("/app/billing", "/app/billing/topup", form).statusCode())
                .isEqualTo(302);
        String customer = text(
                "select stripe_customer_id from billing_customers where workspace_id = '" + workspaceId + "'",
                jdbcUrl,
                server);

        var outcomes = Concurrently.run(20, i -> create(i % 2 == 0 ? a : b, secret.group(), "race " + i));
        assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
        assertThat(outcomes.stream().filter(o -> o.value().statusCode() == 202)).hasSize(10);

        await().atMost(Duration.ofSeconds(60)).until(() -> posts(customer).size() >= 1);
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> posts(customer).size() == 1);
        String attempt =
                text("select id from billing_topups where workspace_id = '" + workspaceId + "'", jdbcUrl, server);
        assertThat(count(
                        "select count(*) from billing_topups where workspace_id = '" + workspaceId + "'",
                        jdbcUrl,
                        server))
                .isEqualTo(1);
        assertThat(posts(customer).getFirst()).containsEntry("Idempotency-Key", attempt);
        String intent = stripe.paymentIntents().stream()
                .filter(pi -> customer.equals(stripe.object(pi).get("customer")))
                .findFirst()
                .orElseThrow();

        // The success, to both nodes at once, and once more.
        String payload = stripe.event(stripe.newEventId(), "payment_intent.succeeded", intent);
        String signature = FakeStripe.signature(
                payload, FakeStripe.WEBHOOK_SECRET, Clock.systemUTC().instant().getEpochSecond());
        assertThat(Concurrently.run(
                        4,
                        i -> stripe.deliver(i % 2 == 0 ? a.port() : b.port(), payload, signature)
                                .statusCode()))
                .allSatisfy(o -> assertThat(o.value()).isEqualTo(200));
        assertThat(stripe.send(a.port(), Clock.systemUTC(), "payment_intent.succeeded", intent)
                        .statusCode())
                .isEqualTo(200);
        assertThat(count(
                        "select count(*) from credit_entry where reference = 'stripe:" + intent + "'", jdbcUrl, server))
                .isEqualTo(1);
        assertThat(text("select status from billing_topups where id = '" + attempt + "'", jdbcUrl, server))
                .isEqualTo("SUCCEEDED");
        assertThat(count(
                        "select spendable from credit_account where workspace_id = '" + workspaceId + "'",
                        jdbcUrl,
                        server))
                .isEqualTo(7700);
    }

    private List<Map<String, String>> posts(String customer) {
        return stripe.paymentIntentPosts().stream()
                .filter(p -> customer.equals(p.get("customer")))
                .toList();
    }

    private AppNode start(String name, Map<String, String> settings) {
        AppNode node = AppNode.start(name, settings, Duration.ofSeconds(150));
        nodes.add(node);
        return node;
    }

    private static HttpResponse<String> create(AppNode node, String secret, String prompt) {
        return new ApiClient(node.port())
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + secret,
                        "{\"prompt\":\"" + prompt + "\",\"size\":\"1024x1024\"}");
    }

    private static String text(String sql, String jdbcUrl, TestDatabase server) throws Exception {
        try (var connection = DriverManager.getConnection(jdbcUrl, server.username(), server.password());
                var result = connection.createStatement().executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }

    private static long count(String sql, String jdbcUrl, TestDatabase server) throws Exception {
        try (var connection = DriverManager.getConnection(jdbcUrl, server.username(), server.password());
                var result = connection.createStatement().executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
