package com.imagegate.billing.internal;

import com.imagegate.billing.PromoCodes.Code;
import com.imagegate.billing.PromoCodes.Redeemed;
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

/** The promo code tables: codes, their redemptions and the attempt windows. */
@Repository
class PromoCodeStore {

    private static final String CODE_COLUMNS = "id, code, credits, credit_validity_days, expires_at, max_redemptions,"
            + " redemptions, first_purchase_only, enabled, note, created_by, created_at";
    private static final String REDEMPTION_COLUMNS =
            "id, code_id, workspace_id, user_id, credits, lot_expires_at, ledger_entry_id, created_at";

    private final JdbcClient jdbc;

    PromoCodeStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Code code) {
        jdbc.sql("insert into billing_promo_codes (" + CODE_COLUMNS
                        + ", updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        code.id(),
                        code.code(),
                        code.credits(),
                        code.creditValidityDays(),
                        ts(code.expiresAt()),
                        code.maxRedemptions(),
                        code.redemptions(),
                        code.firstPurchaseOnly(),
                        code.enabled(),
                        code.note(),
                        code.createdBy(),
                        ts(code.createdAt()),
                        ts(code.createdAt()))
                .update();
    }

    boolean codeExists(String code) {
        return jdbc.sql("select count(*) from billing_promo_codes where code = ?")
                        .param(code)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    /** The code, its row locked until the caller's transaction ends: every redemption of it waits here. */
    Optional<Code> lockByCode(String code) {
        return jdbc.sql("select " + CODE_COLUMNS + " from billing_promo_codes where code = ? for update")
                .param(code)
                .query(PromoCodeStore::code)
                .optional();
    }

    Optional<Code> find(String id) {
        return jdbc.sql("select " + CODE_COLUMNS + " from billing_promo_codes where id = ?")
                .param(id)
                .query(PromoCodeStore::code)
                .optional();
    }

    List<Code> list(int limit) {
        return jdbc.sql("select " + CODE_COLUMNS
                        + " from billing_promo_codes order by created_at desc, id desc limit ?")
                .param(limit)
                .query(PromoCodeStore::code)
                .list();
    }

    boolean setEnabled(String id, boolean enabled, Instant now) {
        return jdbc.sql("update billing_promo_codes set enabled = ?, updated_at = ? where id = ?")
                        .params(enabled, ts(now), id)
                        .update()
                > 0;
    }

    /** Counts one redemption, never past the maximum (the check constraint refuses it too). */
    boolean countRedemption(String id, Instant now) {
        return jdbc.sql("update billing_promo_codes set redemptions = redemptions + 1, updated_at = ?"
                                + " where id = ? and redemptions < max_redemptions")
                        .params(ts(now), id)
                        .update()
                == 1;
    }

    boolean redeemedBy(String codeId, String workspaceId) {
        return jdbc.sql("select count(*) from billing_promo_redemptions where code_id = ? and workspace_id = ?")
                        .params(codeId, workspaceId)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    void insertRedemption(Redeemed redeemed) {
        jdbc.sql("insert into billing_promo_redemptions (" + REDEMPTION_COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        redeemed.id(),
                        redeemed.codeId(),
                        redeemed.workspaceId(),
                        redeemed.userId(),
                        redeemed.credits(),
                        ts(redeemed.creditsExpireAt()),
                        redeemed.ledgerEntryId(),
                        ts(redeemed.createdAt()))
                .update();
    }

    List<Redeemed> redemptions(String codeId, int limit) {
        return jdbc.sql("select " + REDEMPTION_COLUMNS
                        + " from billing_promo_redemptions where code_id = ? order by created_at desc, id desc limit ?")
                .params(codeId, limit)
                .query(PromoCodeStore::redemption)
                .list();
    }

    /** Whether the workspace ever paid for anything (a pack, a plan invoice, a top-up). */
    boolean hasPaid(String workspaceId) {
        return jdbc.sql("select count(*) from billing_payments where workspace_id = ?")
                        .param(workspaceId)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    /** Counts an attempt in the scope's current window (its own statement, committed at once); returns the count. */
    int countAttempt(String scope, long window) {
        jdbc.sql("insert into billing_promo_attempts (scope, window_start, attempts) values (?, ?, 1)"
                        + " on duplicate key update attempts = attempts + 1")
                .params(scope, window)
                .update();
        return jdbc.sql("select attempts from billing_promo_attempts where scope = ? and window_start = ?")
                .params(scope, window)
                .query(Integer.class)
                .single();
    }

    /** Forgets windows that started before {@code window}. */
    int purgeAttempts(long window) {
        return jdbc.sql("delete from billing_promo_attempts where window_start < ?")
                .param(window)
                .update();
    }

    private static Code code(ResultSet rs, int row) throws SQLException {
        int days = rs.getInt("credit_validity_days");
        Integer validity = rs.wasNull() ? null : days;
        return new Code(
                rs.getString("id"),
                rs.getString("code"),
                rs.getLong("credits"),
                validity,
                instant(rs, "expires_at"),
                rs.getInt("max_redemptions"),
                rs.getInt("redemptions"),
                rs.getBoolean("first_purchase_only"),
                rs.getBoolean("enabled"),
                rs.getString("note"),
                rs.getString("created_by"),
                instant(rs, "created_at"));
    }

    private static Redeemed redemption(ResultSet rs, int row) throws SQLException {
        return new Redeemed(
                rs.getString("id"),
                rs.getString("code_id"),
                rs.getString("workspace_id"),
                rs.getString("user_id"),
                rs.getLong("credits"),
                instant(rs, "lot_expires_at"),
                rs.getString("ledger_entry_id"),
                instant(rs, "created_at"));
    }

    private static LocalDateTime ts(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
