package com.imagegate.apikey.internal;

import com.imagegate.apikey.ApiKeyMode;
import com.imagegate.apikey.ApiKeySummary;
import com.imagegate.apikey.KeyBudgetPeriod;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code api_keys} table, through plain JDBC: authentication is one indexed read per call, outside any
 * transaction (a read-only JPA transaction costs several extra statements per call). Instants are stored as UTC
 * wall-clock {@code datetime(6)}, as Hibernate stores them elsewhere.
 */
@Repository
class ApiKeyStore {

    /** A row: the summary plus the secret's hash. */
    record StoredKey(ApiKeySummary summary, String workspaceId, String secretHash) {}

    private static final String COLUMNS = "id, workspace_id, created_by, name, mode, prefix, secret_hash, expires_at,"
            + " monthly_credit_cap, budget_period, created_at, revoked_at, last_used_at, last_used_ip,"
            + " user_daily_credit_limit";

    private static final RowMapper<StoredKey> ROWS = ApiKeyStore::map;

    private final JdbcClient jdbc;

    ApiKeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(StoredKey key) {
        ApiKeySummary s = key.summary();
        jdbc.sql("insert into api_keys (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        s.id(),
                        key.workspaceId(),
                        s.createdBy(),
                        s.name(),
                        s.mode().value(),
                        s.prefix(),
                        key.secretHash(),
                        utc(s.expiresAt()),
                        s.monthlyCreditCap(),
                        s.budgetPeriod().value(),
                        utc(s.createdAt()),
                        utc(s.revokedAt()),
                        utc(s.lastUsedAt()),
                        s.lastUsedIp(),
                        s.userDailyCreditLimit())
                .update();
    }

    /** At most one row: {@code secret_hash} is unique ({@code uk_api_keys_secret_hash}). */
    Optional<StoredKey> findBySecretHash(String secretHash) {
        return jdbc.sql("select " + COLUMNS + " from api_keys where secret_hash = ?")
                .param(secretHash)
                .query(ROWS)
                .optional();
    }

    List<StoredKey> findAllOfWorkspace(String workspaceId) {
        return jdbc.sql("select " + COLUMNS + " from api_keys where workspace_id = ? order by created_at desc, id")
                .param(workspaceId)
                .query(ROWS)
                .list();
    }

    /** Keys whose prefix starts with the text (LIKE wildcards in it are matched literally). */
    List<StoredKey> findByPrefix(String prefix, int limit) {
        String like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return jdbc.sql("select " + COLUMNS + " from api_keys where prefix like ? order by created_at desc, id limit ?")
                .params(like, limit)
                .query(ROWS)
                .list();
    }

    Optional<StoredKey> find(String workspaceId, String keyId) {
        return jdbc.sql("select " + COLUMNS + " from api_keys where id = ? and workspace_id = ?")
                .params(keyId, workspaceId)
                .query(ROWS)
                .optional();
    }

    /** Revokes a live key of this workspace; 0 when there is none or it was already revoked. */
    int revoke(String workspaceId, String keyId, Instant now) {
        return jdbc.sql("update api_keys set revoked_at = ? where id = ? and workspace_id = ? and revoked_at is null")
                .params(utc(now), keyId, workspaceId)
                .update();
    }

    /** The ids of the live (not revoked) keys this user created in this workspace. */
    List<String> liveKeysCreatedBy(String workspaceId, String userId) {
        return jdbc.sql("select id from api_keys where workspace_id = ? and created_by = ? and revoked_at is null")
                .params(workspaceId, userId)
                .query(String.class)
                .list();
    }

    /** Revokes every live key the user created, anywhere, and every live key of their personal workspace. */
    int revokeAllOf(String userId, String personalWorkspaceId, Instant now) {
        return jdbc.sql(
                        "update api_keys set revoked_at = ? where revoked_at is null and (created_by = ? or workspace_id = ?)")
                .params(utc(now), userId, personalWorkspaceId)
                .update();
    }

    /**
     * Records a use unless one at or after {@code notBefore} is already recorded: a conditional update, so N nodes
     * write a busy key's last use at most once per interval between them.
     *
     * @return 1 when written, 0 when a recent enough use was already there
     */
    int recordUse(String keyId, String clientAddress, Instant now, Instant notBefore) {
        return jdbc.sql("update api_keys set last_used_at = ?, last_used_ip = ? where id = ?"
                        + " and (last_used_at is null or last_used_at < ?)")
                .params(utc(now), clientAddress, keyId, utc(notBefore))
                .update();
    }

    private static StoredKey map(ResultSet rs, int row) throws SQLException {
        long cap = rs.getLong("monthly_credit_cap");
        Long monthlyCreditCap = rs.wasNull() ? null : cap;
        long userLimit = rs.getLong("user_daily_credit_limit");
        Long userDailyCreditLimit = rs.wasNull() ? null : userLimit;
        var summary = new ApiKeySummary(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("prefix"),
                ApiKeyMode.valueOf(rs.getString("mode").toUpperCase(Locale.ROOT)),
                rs.getString("created_by"),
                instant(rs, "created_at"),
                instant(rs, "expires_at"),
                monthlyCreditCap,
                KeyBudgetPeriod.parse(rs.getString("budget_period")),
                instant(rs, "revoked_at"),
                instant(rs, "last_used_at"),
                rs.getString("last_used_ip"),
                userDailyCreditLimit);
        return new StoredKey(summary, rs.getString("workspace_id"), rs.getString("secret_hash"));
    }

    private static LocalDateTime utc(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
