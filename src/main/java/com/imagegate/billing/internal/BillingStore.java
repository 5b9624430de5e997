package com.imagegate.billing.internal;

import com.imagegate.Ids;
import com.imagegate.billing.Billing;
import com.imagegate.billing.BillingFlag;
import com.imagegate.billing.MoneyMovement;
import com.imagegate.billing.PaymentReceived;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The billing module's tables (see the migration {@code billing_stripe}); plain SQL, one method per question. */
@Repository
class BillingStore {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    BillingStore(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    // --- customers: one Stripe Customer per workspace

    // At most one row each: workspace_id is the key, stripe_customer_id is unique.

    Optional<String> customerOf(String workspaceId) {
        return jdbc.sql("select stripe_customer_id from billing_customers where workspace_id = ?")
                .param(workspaceId)
                .query(String.class)
                .optional();
    }

    Optional<String> workspaceOfCustomer(String customerId) {
        return jdbc.sql("select workspace_id from billing_customers where stripe_customer_id = ?")
                .param(customerId)
                .query(String.class)
                .optional();
    }

    /** Records the workspace's customer; a concurrent first purchase that recorded it first wins. */
    String saveCustomer(String workspaceId, String customerId, Instant now) {
        try {
            jdbc.sql("insert into billing_customers (workspace_id, stripe_customer_id, created_at) values (?, ?, ?)")
                    .params(workspaceId, customerId, ts(now))
                    .update();
            return customerId;
        } catch (DuplicateKeyException taken) {
            return customerOf(workspaceId).orElseThrow(() -> taken);
        }
    }

    // --- checkouts started here

    void insertCheckout(String sessionId, String workspaceId, String kind, String product, String userId, Instant now) {
        jdbc.sql("insert into billing_checkouts (id, workspace_id, kind, product, status, created_by, created_at,"
                        + " updated_at) values (?, ?, ?, ?, 'OPEN', ?, ?, ?)")
                .params(sessionId, workspaceId, kind, product, userId, ts(now), ts(now))
                .update();
    }

    record CheckoutRow(String id, String workspaceId, String kind, String product, String status) {}

    Optional<CheckoutRow> checkout(String workspaceId, String sessionId) {
        // At most one row: id is the key.
        return jdbc.sql(
                        "select id, workspace_id, kind, product, status from billing_checkouts where id = ? and workspace_id = ?")
                .params(sessionId, workspaceId)
                .query((rs, i) -> new CheckoutRow(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .optional();
    }

    void checkoutStatus(String sessionId, String status, Instant now) {
        jdbc.sql("update billing_checkouts set status = ?, updated_at = ? where id = ?")
                .params(status, ts(now), sessionId)
                .update();
    }

    /** A paid subscription invoice completes the workspace's open plan checkouts (whichever event came first). */
    void planCheckoutsPaid(String workspaceId, Instant now) {
        jdbc.sql("update billing_checkouts set status = 'PAID', updated_at = ? where workspace_id = ? and kind = 'PLAN'"
                        + " and status = 'OPEN'")
                .params(ts(now), workspaceId)
                .update();
    }

    // --- payments that granted credits

    record PaymentRow(
            String id,
            String workspaceId,
            String kind,
            String product,
            String stripeObject,
            String paymentIntent,
            long amountCents,
            String currency,
            long credits,
            Instant expiresAt,
            String invoiceUrl,
            long reclaimAsked,
            long reclaimed,
            Instant createdAt) {}

    private static final String PAYMENT_COLUMNS = "id, workspace_id, kind, product, stripe_object, payment_intent,"
            + " amount_cents, currency, credits, expires_at, invoice_url, reclaim_asked, reclaimed, created_at";

    boolean paymentExists(String stripeObject) {
        return !jdbc.sql("select id from billing_payments where stripe_object = ?")
                .param(stripeObject)
                .query(String.class)
                .list()
                .isEmpty();
    }

    void insertPayment(PaymentRow row) {
        jdbc.sql("insert into billing_payments (" + PAYMENT_COLUMNS
                        + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        row.id(),
                        row.workspaceId(),
                        row.kind(),
                        row.product(),
                        row.stripeObject(),
                        row.paymentIntent(),
                        row.amountCents(),
                        row.currency(),
                        row.credits(),
                        ts(row.expiresAt()),
                        row.invoiceUrl(),
                        row.reclaimAsked(),
                        row.reclaimed(),
                        ts(row.createdAt()))
                .update();
        // Every payment row is written here and only here: the one place that says a payment was received.
        if (row.amountCents() > 0) {
            events.publishEvent(new PaymentReceived(
                    row.workspaceId(), row.id(), row.kind(), row.paymentIntent(), row.amountCents(), row.createdAt()));
        }
    }

    /**
     * The payment of a PaymentIntent, locked for this transaction (refunds and disputes of it are serialized). The
     * first row: {@code payment_intent} is indexed but not unique, so this is not {@code optional()}, which would
     * throw on a second row.
     */
    Optional<PaymentRow> paymentByIntentForUpdate(String paymentIntent) {
        return first(
                jdbc.sql("select " + PAYMENT_COLUMNS + " from billing_payments where payment_intent = ? for update")
                        .param(paymentIntent)
                        .query(BillingStore::payment)
                        .list());
    }

    /** The first row's workspace ({@code payment_intent} is not unique). */
    Optional<String> workspaceOfPaymentIntent(String paymentIntent) {
        return first(jdbc.sql("select workspace_id from billing_payments where payment_intent = ?")
                .param(paymentIntent)
                .query(String.class)
                .list());
    }

    void updateReclaim(String paymentId, long asked, long reclaimed) {
        jdbc.sql("update billing_payments set reclaim_asked = ?, reclaimed = ? where id = ?")
                .params(asked, reclaimed, paymentId)
                .update();
    }

    List<PaymentRow> payments(String workspaceId, int limit) {
        return jdbc.sql("select " + PAYMENT_COLUMNS
                        + " from billing_payments where workspace_id = ? order by created_at desc, id desc limit ?")
                .params(workspaceId, limit)
                .query(BillingStore::payment)
                .list();
    }

    private static PaymentRow payment(ResultSet rs, int i) throws SQLException {
        return new PaymentRow(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getLong(7),
                rs.getString(8),
                rs.getLong(9),
                instant(rs, 10),
                rs.getString(11),
                rs.getLong(12),
                rs.getLong(13),
                instant(rs, 14));
    }

    // --- subscriptions (as last read from Stripe)

    record SubscriptionRow(
            String id,
            String workspaceId,
            String plan,
            String status,
            Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd,
            Instant paymentFailedAt,
            String failedInvoiceUrl,
            String scheduledPlan) {}

    private static final String SUBSCRIPTION_COLUMNS = "id, workspace_id, plan, status, current_period_end,"
            + " cancel_at_period_end, payment_failed_at, failed_invoice_url, scheduled_plan";

    /**
     * Writes the subscription as Stripe has it now (re-read), whatever order its events came in. A subscription that
     * no schedule manages any more has no pending plan change.
     */
    void saveSubscription(SubscriptionState state, String workspaceId, Instant now) {
        String plan = state.plan() == null ? "unknown" : state.plan();
        jdbc.sql("insert into billing_subscriptions (id, workspace_id, plan, status, current_period_end,"
                        + " cancel_at_period_end, updated_at) values (?, ?, ?, ?, ?, ?, ?)"
                        + " on duplicate key update plan = ?, status = ?, current_period_end = ?,"
                        + " cancel_at_period_end = ?, updated_at = ?,"
                        + " scheduled_plan = case when ? then scheduled_plan else null end")
                .params(
                        state.id(),
                        workspaceId,
                        plan,
                        state.status(),
                        ts(state.periodEnd()),
                        state.cancelAtPeriodEnd(),
                        ts(now),
                        plan,
                        state.status(),
                        ts(state.periodEnd()),
                        state.cancelAtPeriodEnd(),
                        ts(now),
                        state.schedule() != null)
                .update();
    }

    void paymentFailed(String subscriptionId, String invoiceUrl, Instant now) {
        jdbc.sql("update billing_subscriptions set payment_failed_at = ?, failed_invoice_url = ? where id = ?")
                .params(ts(now), invoiceUrl, subscriptionId)
                .update();
    }

    void paymentSucceeded(String subscriptionId) {
        jdbc.sql("update billing_subscriptions set payment_failed_at = null, failed_invoice_url = null where id = ?")
                .param(subscriptionId)
                .update();
    }

    /** The workspace's subscriptions that Stripe still counts as running, most recently changed first. */
    List<SubscriptionRow> liveSubscriptions(String workspaceId) {
        return jdbc.sql("select " + SUBSCRIPTION_COLUMNS + " from billing_subscriptions where workspace_id = ?"
                        + " and status in ('active', 'trialing', 'past_due') order by updated_at desc")
                .param(workspaceId)
                .query((rs, i) -> new SubscriptionRow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        instant(rs, 5),
                        rs.getBoolean(6),
                        instant(rs, 7),
                        rs.getString(8),
                        rs.getString(9)))
                .list();
    }

    // --- billing periods: one plan entitlement per (subscription, period)

    record PeriodRow(
            String subscriptionId,
            Instant periodEnd,
            String workspaceId,
            Instant periodStart,
            String plan,
            long ceiling,
            long entitled,
            String lotReference) {}

    private static final String PERIOD_COLUMNS =
            "subscription_id, period_end, workspace_id, period_start, plan, ceiling, entitled, lot_reference";

    /** Every period of the subscription, the latest first, locked for this transaction. */
    List<PeriodRow> lockPeriods(String subscriptionId) {
        return jdbc.sql("select " + PERIOD_COLUMNS + " from billing_periods where subscription_id = ?"
                        + " order by period_end desc for update")
                .param(subscriptionId)
                .query((rs, i) -> new PeriodRow(
                        rs.getString(1),
                        instant(rs, 2),
                        rs.getString(3),
                        instant(rs, 4),
                        rs.getString(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        rs.getString(8)))
                .list();
    }

    void insertPeriod(PeriodRow row, Instant now) {
        jdbc.sql("insert into billing_periods (" + PERIOD_COLUMNS + ", created_at, updated_at)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        row.subscriptionId(),
                        ts(row.periodEnd()),
                        row.workspaceId(),
                        ts(row.periodStart()),
                        row.plan(),
                        row.ceiling(),
                        row.entitled(),
                        row.lotReference(),
                        ts(now),
                        ts(now))
                .update();
    }

    void updatePeriod(PeriodRow row, Instant now) {
        jdbc.sql("update billing_periods set plan = ?, ceiling = ?, entitled = ?, lot_reference = ?, updated_at = ?"
                        + " where subscription_id = ? and period_end = ?")
                .params(
                        row.plan(),
                        row.ceiling(),
                        row.entitled(),
                        row.lotReference(),
                        ts(now),
                        row.subscriptionId(),
                        ts(row.periodEnd()))
                .update();
    }

    /** Takes the workspace's billing lock: every grant of plan credits to one workspace runs one after the other. */
    void lockWorkspace(String workspaceId) {
        jdbc.sql("select workspace_id from billing_customers where workspace_id = ? for update")
                .param(workspaceId)
                .query(String.class)
                .list();
    }

    void scheduledPlan(String subscriptionId, String plan) {
        jdbc.sql("update billing_subscriptions set scheduled_plan = ? where id = ?")
                .params(plan, subscriptionId)
                .update();
    }

    // --- events processed

    boolean eventSeen(String eventId) {
        return !jdbc.sql("select id from billing_events where id = ?")
                .param(eventId)
                .query(String.class)
                .list()
                .isEmpty();
    }

    /** @throws DuplicateKeyException when the event was recorded already (after waiting for a concurrent one) */
    void recordEvent(String eventId, String type, String workspaceId, String outcome, Instant now) {
        jdbc.sql("insert into billing_events (id, type, workspace_id, outcome, received_at) values (?, ?, ?, ?, ?)")
                .params(
                        eventId,
                        type,
                        workspaceId,
                        outcome.length() > 500 ? outcome.substring(0, 500) : outcome,
                        ts(now))
                .update();
    }

    void recordEventOutcome(String eventId, String outcome) {
        jdbc.sql("update billing_events set outcome = ? where id = ?")
                .params(outcome.length() > 500 ? outcome.substring(0, 500) : outcome, eventId)
                .update();
    }

    // --- flags for admins

    /** Raises a flag once per reference. */
    void flag(String workspaceId, String reason, String reference, String detail, Instant now) {
        jdbc.sql("insert into billing_flags (id, workspace_id, reason, reference, detail, created_at)"
                        + " values (?, ?, ?, ?, ?, ?) on duplicate key update detail = ?")
                .params(Ids.next("flag"), workspaceId, reason, reference, detail, ts(now), detail)
                .update();
    }

    List<BillingFlag> openFlags(String workspaceId) {
        return jdbc.sql("select id, workspace_id, reason, reference, detail, created_at from billing_flags"
                        + " where resolved_at is null and workspace_id = ? order by created_at desc")
                .param(workspaceId)
                .query(BillingStore::flagRow)
                .list();
    }

    List<BillingFlag> openFlags() {
        return jdbc.sql("select id, workspace_id, reason, reference, detail, created_at from billing_flags"
                        + " where resolved_at is null order by created_at desc limit 500")
                .query(BillingStore::flagRow)
                .list();
    }

    int resolveFlag(String flagId, Instant now) {
        return jdbc.sql("update billing_flags set resolved_at = ? where id = ? and resolved_at is null")
                .params(ts(now), flagId)
                .update();
    }

    boolean openDispute(String workspaceId) {
        int count = jdbc.sql(
                        "select count(*) from billing_flags where workspace_id = ? and reason = 'DISPUTE' and resolved_at is null")
                .param(workspaceId)
                .query(Integer.class)
                .single();
        return count > 0;
    }

    private static BillingFlag flagRow(ResultSet rs, int i) throws SQLException {
        return new BillingFlag(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), instant(rs, 6));
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    /** Instants as UTC wall time in {@code datetime(6)}, as Hibernate stores them here ({@code jdbc.time_zone: UTC}). */
    private static LocalDateTime ts(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    /** Gross payments per currency created in {@code [from, to)}. */
    List<Billing.Revenue> revenue(Instant from, Instant to) {
        return jdbc.sql("select currency, sum(amount_cents) as cents, count(*) as n from billing_payments"
                        + " where created_at >= ? and created_at < ? group by currency order by currency")
                .params(LocalDateTime.ofInstant(from, ZoneOffset.UTC), LocalDateTime.ofInstant(to, ZoneOffset.UTC))
                .query((rs, row) -> new Billing.Revenue(rs.getString("currency"), rs.getLong("cents"), rs.getLong("n")))
                .list();
    }

    /**
     * Records money given back on a payment (the caller holds the payment's row lock): a refund as what the charge's
     * cumulative refunded amount adds to the refunds recorded, a dispute once by its reference; never more in all than
     * the payment's amount. Returns the cents recorded (0 when nothing was new).
     */
    long recordReversal(PaymentRow payment, String kind, String reference, long cumulativeOrAmount, Instant at) {
        if (!jdbc.sql("select id from billing_reversals where reference = ?")
                .param(reference)
                .query(String.class)
                .list()
                .isEmpty()) {
            return 0;
        }
        long reversed = jdbc.sql("select coalesce(sum(amount_cents), 0) from billing_reversals where payment_id = ?")
                .param(payment.id())
                .query(Long.class)
                .single();
        long sameKind = jdbc.sql("select coalesce(sum(amount_cents), 0) from billing_reversals"
                        + " where payment_id = ? and kind = ?")
                .params(payment.id(), kind)
                .query(Long.class)
                .single();
        long asked = kind.equals("REFUND") ? cumulativeOrAmount - sameKind : cumulativeOrAmount;
        long amount = Math.min(asked, payment.amountCents() - reversed);
        if (amount <= 0) {
            return 0;
        }
        jdbc.sql("insert into billing_reversals (id, payment_id, workspace_id, kind, reference, amount_cents, currency,"
                        + " created_at) values (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        com.imagegate.Ids.next("rev"),
                        payment.id(),
                        payment.workspaceId(),
                        kind,
                        reference,
                        amount,
                        payment.currency(),
                        ts(at))
                .update();
        return amount;
    }

    List<MoneyMovement> moneyMovements(Instant from, Instant to) {
        LocalDateTime start = ts(from);
        LocalDateTime end = ts(to);
        List<MoneyMovement> moves = new java.util.ArrayList<>(
                jdbc.sql("select id, workspace_id, kind, product, amount_cents, currency, credits, created_at"
                                + " from billing_payments where created_at >= ? and created_at < ?")
                        .params(start, end)
                        .query((rs, i) -> new MoneyMovement(
                                MoneyMovement.Kind.PAYMENT,
                                rs.getString("id"),
                                rs.getString("workspace_id"),
                                rs.getString("kind"),
                                rs.getString("product"),
                                rs.getLong("amount_cents"),
                                rs.getString("currency"),
                                rs.getLong("credits"),
                                instant(rs, 8)))
                        .list());
        moves.addAll(jdbc.sql("select r.payment_id, r.workspace_id, r.kind, p.kind as product_kind, p.product,"
                        + " r.amount_cents, r.currency, r.created_at from billing_reversals r"
                        + " join billing_payments p on p.id = r.payment_id"
                        + " where r.created_at >= ? and r.created_at < ?")
                .params(start, end)
                .query((rs, i) -> new MoneyMovement(
                        MoneyMovement.Kind.valueOf(rs.getString("kind")),
                        rs.getString("payment_id"),
                        rs.getString("workspace_id"),
                        rs.getString("product_kind"),
                        rs.getString("product"),
                        rs.getLong("amount_cents"),
                        rs.getString("currency"),
                        0,
                        instant(rs, 8)))
                .list());
        moves.sort(java.util.Comparator.comparing(MoneyMovement::at).thenComparing(MoneyMovement::paymentId));
        return List.copyOf(moves);
    }
}
