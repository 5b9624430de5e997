package com.imagegate.billing.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The automatic top-up tables (migration {@code billing_topups}): settings per workspace, one row per attempt. */
@Repository
class TopUpStore {

    private final JdbcClient jdbc;

    TopUpStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record SettingsRow(
            String workspaceId,
            boolean enabled,
            Long threshold,
            String pack,
            Integer monthlyMax,
            int failuresInRow,
            boolean paused,
            String paymentMethod,
            String cardBrand,
            String cardLast4,
            Long cardSavedAt) {}

    private static final String SETTINGS =
            "select workspace_id, enabled, threshold, pack, monthly_max, failures_in_row,"
                    + " paused, payment_method, card_brand, card_last4, card_saved_at from billing_topup_settings"
                    + " where workspace_id = ?";

    Optional<SettingsRow> settings(String workspaceId) {
        return jdbc.sql(SETTINGS)
                .param(workspaceId)
                .query(TopUpStore::settingsRow)
                .optional();
    }

    /** Creates the workspace's row if need be, then locks it: every change of settings and attempts runs under it. */
    SettingsRow lockSettings(String workspaceId, Instant now) {
        jdbc.sql("insert into billing_topup_settings (workspace_id, enabled, failures_in_row, paused, updated_at)"
                        + " values (?, false, 0, false, ?) on duplicate key update workspace_id = workspace_id")
                .params(workspaceId, ts(now))
                .update();
        return jdbc.sql(SETTINGS + " for update")
                .param(workspaceId)
                .query(TopUpStore::settingsRow)
                .single();
    }

    void saveRule(
            String workspaceId,
            boolean enabled,
            long threshold,
            String pack,
            int monthlyMax,
            int failuresInRow,
            boolean paused,
            String actor,
            Instant now) {
        jdbc.sql("update billing_topup_settings set enabled = ?, threshold = ?, pack = ?, monthly_max = ?,"
                        + " failures_in_row = ?, paused = ?, updated_at = ?, updated_by = ? where workspace_id = ?")
                .params(enabled, threshold, pack, monthlyMax, failuresInRow, paused, ts(now), actor, workspaceId)
                .update();
    }

    void saveCard(String workspaceId, String paymentMethod, String brand, String last4, long savedAt, Instant now) {
        jdbc.sql("update billing_topup_settings set payment_method = ?, card_brand = ?, card_last4 = ?,"
                        + " card_saved_at = ?, updated_at = ? where workspace_id = ?")
                .params(paymentMethod, brand, last4, savedAt, ts(now), workspaceId)
                .update();
    }

    void removeCard(String workspaceId, String actor, Instant now) {
        jdbc.sql("update billing_topup_settings set payment_method = null, card_brand = null, card_last4 = null,"
                        + " enabled = false, updated_at = ?, updated_by = ? where workspace_id = ?")
                .params(ts(now), actor, workspaceId)
                .update();
    }

    void failures(String workspaceId, int failuresInRow, boolean paused, Instant now) {
        jdbc.sql("update billing_topup_settings set failures_in_row = ?, paused = ?, updated_at = ?"
                        + " where workspace_id = ?")
                .params(failuresInRow, paused, ts(now), workspaceId)
                .update();
    }

    // --- attempts

    record AttemptRow(
            String id,
            String workspaceId,
            String crossing,
            String month,
            String pack,
            long credits,
            long amountCents,
            String currency,
            String status,
            String paymentIntent,
            String failureCode,
            String failureMessage,
            Instant createdAt) {}

    private static final String ATTEMPTS =
            "select id, workspace_id, crossing, charge_month, pack, credits, amount_cents,"
                    + " currency, status, payment_intent, failure_code, failure_message, created_at from billing_topups";

    Optional<AttemptRow> attemptOfCrossing(String crossing) {
        return jdbc.sql(ATTEMPTS + " where crossing = ?")
                .param(crossing)
                .query(TopUpStore::attemptRow)
                .optional();
    }

    Optional<AttemptRow> attempt(String id) {
        return jdbc.sql(ATTEMPTS + " where id = ?")
                .param(id)
                .query(TopUpStore::attemptRow)
                .optional();
    }

    Optional<AttemptRow> lockAttempt(String id) {
        return jdbc.sql(ATTEMPTS + " where id = ? for update")
                .param(id)
                .query(TopUpStore::attemptRow)
                .optional();
    }

    List<AttemptRow> attempts(String workspaceId, int limit) {
        return jdbc.sql(ATTEMPTS + " where workspace_id = ? order by created_at desc, id limit ?")
                .params(workspaceId, limit)
                .query(TopUpStore::attemptRow)
                .list();
    }

    /** Attempts of the month that charged or may still charge: what the monthly maximum counts. */
    int charging(String workspaceId, String month) {
        return jdbc.sql("select count(*) from billing_topups where workspace_id = ? and charge_month = ?"
                        + " and status in ('PENDING', 'SUCCEEDED')")
                .params(workspaceId, month)
                .query(Integer.class)
                .single();
    }

    void insertAttempt(AttemptRow row, Instant now) {
        jdbc.sql(
                        "insert into billing_topups (id, workspace_id, crossing, charge_month, pack, credits, amount_cents, currency,"
                                + " status, payment_intent, failure_code, failure_message, created_at, updated_at)"
                                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        row.id(),
                        row.workspaceId(),
                        row.crossing(),
                        row.month(),
                        row.pack(),
                        row.credits(),
                        row.amountCents(),
                        row.currency(),
                        row.status(),
                        row.paymentIntent(),
                        row.failureCode(),
                        row.failureMessage(),
                        ts(now),
                        ts(now))
                .update();
    }

    void recordIntent(String id, String paymentIntent, Instant now) {
        jdbc.sql("update billing_topups set payment_intent = ?, updated_at = ? where id = ? and payment_intent is null")
                .params(paymentIntent, ts(now), id)
                .update();
    }

    void status(
            String id, String status, String paymentIntent, String failureCode, String failureMessage, Instant now) {
        jdbc.sql("update billing_topups set status = ?, payment_intent = coalesce(?, payment_intent),"
                        + " failure_code = ?, failure_message = ?, updated_at = ? where id = ?")
                .params(status, paymentIntent, failureCode, truncate(failureMessage), ts(now), id)
                .update();
    }

    // --- crossings not yet decided (the sweep's backstop)

    record Crossing(String crossing, String workspaceId) {}

    /** Notes a crossing in the transaction that made it: committed with it, or not at all. */
    void noteCrossing(String crossing, String workspaceId, Instant crossedAt) {
        jdbc.sql("insert into billing_topup_crossings (crossing, workspace_id, crossed_at) values (?, ?, ?)")
                .params(crossing, workspaceId, ts(crossedAt))
                .update();
    }

    /** The crossing is decided (an attempt exists, or auto top-up was off): nothing left to sweep. */
    void crossingDecided(String crossing) {
        jdbc.sql("delete from billing_topup_crossings where crossing = ?")
                .param(crossing)
                .update();
    }

    /** Auto top-up disabled or paused: its trigger is removed and the crossings it made are forgotten with it. */
    void forgetCrossings(String workspaceId) {
        jdbc.sql("delete from billing_topup_crossings where workspace_id = ?")
                .param(workspaceId)
                .update();
    }

    /**
     * Undecided crossings made at or before {@code crossedBy} whose workspace has auto top-up enabled and not paused,
     * oldest first, at most {@code limit} (a range of the {@code crossed_at} index, each joined by primary key).
     */
    List<Crossing> undecidedCrossings(Instant crossedBy, int limit) {
        return jdbc.sql("select c.crossing, c.workspace_id from billing_topup_crossings c"
                        + " join billing_topup_settings s on s.workspace_id = c.workspace_id"
                        + " where c.crossed_at <= ? and s.enabled = true and s.paused = false"
                        + " order by c.crossed_at, c.crossing limit ?")
                .params(ts(crossedBy), limit)
                .query((rs, row) -> new Crossing(rs.getString("crossing"), rs.getString("workspace_id")))
                .list();
    }

    private static String truncate(String message) {
        return message == null || message.length() <= 500 ? message : message.substring(0, 500);
    }

    private static SettingsRow settingsRow(ResultSet rs, int row) throws SQLException {
        return new SettingsRow(
                rs.getString("workspace_id"),
                rs.getBoolean("enabled"),
                rs.getObject("threshold") == null ? null : rs.getLong("threshold"),
                rs.getString("pack"),
                rs.getObject("monthly_max") == null ? null : rs.getInt("monthly_max"),
                rs.getInt("failures_in_row"),
                rs.getBoolean("paused"),
                rs.getString("payment_method"),
                rs.getString("card_brand"),
                rs.getString("card_last4"),
                rs.getObject("card_saved_at") == null ? null : rs.getLong("card_saved_at"));
    }

    private static AttemptRow attemptRow(ResultSet rs, int row) throws SQLException {
        LocalDateTime created = rs.getObject("created_at", LocalDateTime.class);
        return new AttemptRow(
                rs.getString("id"),
                rs.getString("workspace_id"),
                rs.getString("crossing"),
                rs.getString("charge_month"),
                rs.getString("pack"),
                rs.getLong("credits"),
                rs.getLong("amount_cents"),
                rs.getString("currency"),
                rs.getString("status"),
                rs.getString("payment_intent"),
                rs.getString("failure_code"),
                rs.getString("failure_message"),
                created == null ? null : created.toInstant(ZoneOffset.UTC));
    }

    private static LocalDateTime ts(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }
}
