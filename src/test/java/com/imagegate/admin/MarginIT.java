package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LotSource;
import com.imagegate.credits.internal.ExpiryJob;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.FakeOpenAiImages;
import com.imagegate.testsupport.FakeOpenAiImages.Step;
import com.imagegate.testsupport.FakeStripe;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The margin page and its CSV over a seeded scenario: two pack payments through Stripe's signed webhooks (one partly
 * refunded, one disputed), sign-up and admin grants, an expiry, tasks through the fake upstream with retries, a
 * billed bad image and a failure. Every figure equals both the scenario's known amounts and the sums of the payments,
 * the ledger and the recorded calls read straight from their tables.
 */
@MariaDbIntegrationTest(
        properties = {
            AdminTesting.BOOTSTRAP_EMAIL,
            AdminTesting.BOOTSTRAP_PASSWORD,
            "imagegate.billing.stripe.secret-key=sk_test_fake",
            "imagegate.billing.stripe.webhook-secret=" + FakeStripe.WEBHOOK_SECRET,
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.channels.main.api-key=" + MarginIT.KEY,
            "imagegate.generation.openai.max-attempts=3",
            "imagegate.generation.openai.initial-backoff=20ms",
            "imagegate.generation.openai.max-backoff=50ms"
        })
class MarginIT {

    static final String KEY = "sk-margin-1";
    static final FakeOpenAiImages UPSTREAM = FakeOpenAiImages.start(KEY);
    static final FakeStripe STRIPE = new FakeStripe();
    private static final Pattern SECRET = Pattern.compile("ig_live_[0-9A-Za-z]{43}");

    @DynamicPropertySource
    static void fakes(DynamicPropertyRegistry registry) {
        registry.add("imagegate.generation.openai.channels.main.base-url", () -> UPSTREAM.baseUrl() + "/");
        registry.add("imagegate.billing.stripe.api-base", STRIPE::baseUrl);
    }

    @AfterAll
    static void stop() {
        UPSTREAM.close();
        STRIPE.close();
    }

    @LocalServerPort
    int port;

    /** The real clock: the upstream's retries wait on it (a test clock that stands still would hold them). */
    final Clock clock = Clock.systemUTC();

    @Autowired
    Credits credits;

    @Autowired
    ExpiryJob expiry;

    @Autowired
    JdbcTemplate jdbc;

    record Buyer(Http http, String workspaceId, String key) {}

    Buyer signUp() {
        String email = "margin-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Http http = new Http(port);
        assertThat(http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"))
                        .statusCode())
                .isEqualTo(302);
        var created = http.submitForm("/app/keys", "/app/keys", Map.of("name", "k", "mode", "live"));
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).isTrue();
        String workspaceId = ApiClient.json(new ApiClient(port).get("/api/v1/account", secret.group()))
                .get("id")
                .asString();
        return new Buyer(http, workspaceId, secret.group());
    }

    /** A standard pack (10.00 USD, 7700 credits) bought through Checkout and its signed webhook; returns the charge. */
    String buyPack(Buyer buyer) {
        var response = buyer.http().submitForm("/app/billing", "/app/billing/checkout", Map.of("product", "standard"));
        assertThat(response.statusCode()).isEqualTo(302);
        String location = response.headers().firstValue("Location").orElseThrow();
        String session = location.substring(location.lastIndexOf('/') + 1);
        String charge = STRIPE.payPackCheckout(session);
        assertThat(STRIPE.send(port, clock, "checkout.session.completed", session)
                        .statusCode())
                .isEqualTo(200);
        return charge;
    }

    @Test
    void everyFigureOnThePageAndInTheCsvIsTheSumOfThePaymentsTheLedgerAndTheCalls() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Buyer refunded = signUp();
        Buyer disputed = signUp();

        String refundedCharge = buyPack(refunded);
        STRIPE.refund(refundedCharge, 400);
        assertThat(STRIPE.send(port, clock, "charge.refunded", refundedCharge).statusCode())
                .isEqualTo(200);
        assertThat(STRIPE.send(port, clock, "charge.refunded", refundedCharge).statusCode())
                .as("a second event for the same refund records no more money")
                .isEqualTo(200);
        String disputedCharge = buyPack(disputed);
        String dispute = STRIPE.dispute(disputedCharge);
        assertThat(STRIPE.send(port, clock, "charge.dispute.created", dispute).statusCode())
                .isEqualTo(200);

        // 50 free credits that expire unspent, two seconds from now.
        credits.grant(new Grant(
                refunded.workspaceId(),
                50,
                LotSource.ADMIN,
                clock.instant().plusSeconds(2),
                "test:margin-grant:" + UUID.randomUUID(),
                "system",
                "margin test"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    expiry.writeOffExpiredLots();
                    return sum(
                                    "select count(*) from credit_entry where workspace_id = ? and kind = 'EXPIRY'",
                                    refunded.workspaceId())
                            == 1;
                });

        // Spending through the fake upstream: a retry (one billed image), a bad image then a good one (two billed
        // images of 1536x1024), and a task refused by rate limits (nothing billed, nothing spent).
        UPSTREAM.script("margin-retry", Step.error(500, "server_error", "server_error"), Step.ok());
        UPSTREAM.script("margin-bad", Step.truncated(), Step.ok());
        UPSTREAM.script("margin-limited", Step.error(429, "rate_limit_exceeded", "rate_limit_exceeded"));
        AdminTesting.endedTask(port, refunded.key(), "margin-retry lighthouse", "1024x1024", 1);
        AdminTesting.endedTask(port, refunded.key(), "margin-bad harbour", "1536x1024", 1);
        AdminTesting.endedTask(port, refunded.key(), "margin-limited meadow", "1024x1024", 1);

        LocalDate from = today.minusDays(1);
        LocalDate to = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(1);
        Http admin = AdminTesting.admin(port);
        String page = admin.get("/admin/margin?from=" + from + "&to=" + to).body();
        Map<String, String> csvTotal = csvRow(admin, from, to, "total", "total");

        // The scenario's known amounts (money in USD, the default cost currency).
        Map<String, String> expected = new HashMap<>();
        expected.put("payments", "2");
        expected.put("paid", "20.00");
        expected.put("refunded", "4.00");
        expected.put("disputed", "10.00");
        expected.put("revenue", "6.00");
        expected.put("credits_sold", "15400");
        // Sign-up credits of the two buyers and of the bootstrap admin (100 each), and the 50 that expired.
        expected.put("credits_free", "350");
        expected.put("credits_spent", "20");
        expected.put("credits_expired", "50");
        expected.put("calls", "7");
        expected.put("billed_images", "3");
        expected.put("upstream_cost", "0.667");
        expected.put("gross_margin", "5.333");

        // The same figures straight from the owners' tables.
        var start = LocalDateTime.of(from, java.time.LocalTime.MIDNIGHT);
        var end = LocalDateTime.of(to.plusDays(1), java.time.LocalTime.MIDNIGHT);
        long paidCents = sum(
                "select sum(amount_cents) from billing_payments where created_at >= ? and created_at < ?", start, end);
        long refundCents = sum(
                "select sum(amount_cents) from billing_reversals where kind = 'REFUND'"
                        + " and created_at >= ? and created_at < ?",
                start,
                end);
        long disputeCents = sum(
                "select sum(amount_cents) from billing_reversals where kind = 'DISPUTE'"
                        + " and created_at >= ? and created_at < ?",
                start,
                end);
        long costMicros =
                sum("select sum(cost_micros) from task_attempts where started_at >= ? and started_at < ?", start, end);
        Map<String, String> fromTables = new HashMap<>();
        fromTables.put(
                "payments",
                Long.toString(sum(
                        "select count(*) from billing_payments where created_at >= ? and created_at < ?", start, end)));
        fromTables.put("paid", money(paidCents * 10_000));
        fromTables.put("refunded", money(refundCents * 10_000));
        fromTables.put("disputed", money(disputeCents * 10_000));
        fromTables.put("revenue", money((paidCents - refundCents - disputeCents) * 10_000));
        fromTables.put("credits_sold", Long.toString(ledger("amount", "'PURCHASE', 'PLAN_ALLOWANCE'", start, end)));
        fromTables.put("credits_free", Long.toString(ledger("amount", "'GRANT'", start, end)));
        fromTables.put("credits_spent", Long.toString(-ledger("held", "'CAPTURE'", start, end)));
        fromTables.put("credits_expired", Long.toString(-ledger("amount", "'EXPIRY', 'PLAN_CHANGE'", start, end)));
        fromTables.put(
                "calls",
                Long.toString(sum(
                        "select count(*) from task_attempts where started_at >= ? and started_at < ?", start, end)));
        fromTables.put(
                "billed_images",
                Long.toString(sum(
                        "select sum(billed_images) from task_attempts where started_at >= ? and started_at < ?",
                        start,
                        end)));
        fromTables.put("upstream_cost", money(costMicros));
        fromTables.put("gross_margin", money((paidCents - refundCents - disputeCents) * 10_000 - costMicros));
        assertThat(fromTables).as("the tables hold the scenario").isEqualTo(expected);

        assertThat(csvTotal).containsAllEntriesOf(expected);
        Map<String, String> ids = Map.ofEntries(
                Map.entry("payments", "total-payments"),
                Map.entry("paid", "total-paid"),
                Map.entry("refunded", "total-refunded"),
                Map.entry("disputed", "total-disputed"),
                Map.entry("revenue", "total-revenue"),
                Map.entry("credits_sold", "total-credits-sold"),
                Map.entry("credits_free", "total-credits-free"),
                Map.entry("credits_spent", "total-credits-spent"),
                Map.entry("credits_expired", "total-credits-expired"),
                Map.entry("calls", "total-calls"),
                Map.entry("billed_images", "total-billed-images"),
                Map.entry("upstream_cost", "total-cost"),
                Map.entry("gross_margin", "total-margin"));
        ids.forEach((figure, id) -> assertThat(cell(page, id)).as(figure).isEqualTo(expected.get(figure)));

        // The days add up to the total; the channel, plan and workspace rows split it.
        List<Map<String, String>> days = csvRows(admin, from, to, "day");
        assertThat(days).hasSize((int) (to.toEpochDay() - from.toEpochDay() + 1));
        for (String figure : expected.keySet()) {
            BigDecimal daySum =
                    days.stream().map(d -> new BigDecimal(d.get(figure))).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(daySum).as("days of " + figure).isEqualByComparingTo(new BigDecimal(expected.get(figure)));
        }
        assertThat(csvRow(admin, from, to, "channel", "main"))
                .containsEntry("calls", "7")
                .containsEntry("billed_images", "3")
                .containsEntry("upstream_cost", "0.667");
        assertThat(csvRow(admin, from, to, "plan", "free"))
                .containsEntry("revenue", "6.00")
                .containsEntry("credits_spent", "20")
                .containsEntry("upstream_cost", "0.667")
                .containsEntry("gross_margin", "5.333");
        assertThat(csvRow(admin, from, to, "workspace", refunded.workspaceId()))
                .containsEntry("paid", "10.00")
                .containsEntry("refunded", "4.00")
                .containsEntry("revenue", "6.00")
                .containsEntry("credits_spent", "20")
                .containsEntry("upstream_cost", "0.667")
                .containsEntry("gross_margin", "5.333");
        assertThat(csvRow(admin, from, to, "workspace", disputed.workspaceId()))
                .containsEntry("disputed", "10.00")
                .containsEntry("revenue", "0.00")
                .containsEntry("upstream_cost", "0.00");
        assertThat(page)
                .contains("id=\"margin-chart\"", "class=\"bar-revenue\"", "class=\"bar-cost\"")
                .contains("id=\"channel-main\"", "id=\"plan-free\"", "id=\"workspace-" + refunded.workspaceId() + "\"");

        // A bad range is refused with a message, on the page and in the CSV.
        var backwards = admin.get("/admin/margin?from=" + to + "&to=" + from);
        assertThat(backwards.statusCode()).isEqualTo(400);
        assertThat(backwards.body()).contains("The end date is before the start date.");
        assertThat(admin.get("/admin/margin.csv?from=2020-01-01&to=2026-12-31").statusCode())
                .isEqualTo(400);
        assertThat(admin.get("/admin/margin.csv?from=yesterday").statusCode()).isEqualTo(400);
    }

    private long sum(String sql, Object... args) {
        Long value = jdbc.queryForObject(sql, Long.class, args);
        return value == null ? 0 : value;
    }

    private long ledger(String column, String kinds, Object start, Object end) {
        return sum(
                "select sum(" + column + ") from credit_entry where kind in (" + kinds + ")"
                        + " and created_at >= ? and created_at < ?",
                start,
                end);
    }

    private static String money(long micros) {
        return com.imagegate.generation.Micros.format(micros);
    }

    private static String cell(String page, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\">([^<]*)<").matcher(page);
        assertThat(m.find()).as(id).isTrue();
        return m.group(1);
    }

    private static List<Map<String, String>> csvRows(Http admin, LocalDate from, LocalDate to, String section) {
        var response = admin.get("/admin/margin.csv?from=" + from + "&to=" + to);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        String[] lines = response.body().split("\r\n");
        String[] header = lines[0].split(",");
        List<Map<String, String>> rows = new java.util.ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            if (!cells[0].equals(section)) {
                continue;
            }
            Map<String, String> row = new HashMap<>();
            for (int c = 0; c < header.length; c++) {
                row.put(header[c], cells[c].replace("\"", ""));
            }
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, String> csvRow(Http admin, LocalDate from, LocalDate to, String section, String key) {
        return csvRows(admin, from, to, section).stream()
                .filter(r -> r.get("key").equals(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no CSV row " + section + " " + key));
    }
}
