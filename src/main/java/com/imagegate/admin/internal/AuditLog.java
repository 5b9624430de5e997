package com.imagegate.admin.internal;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The admins' audit log: append and read, nothing else. There is deliberately no statement here (or anywhere) that
 * updates or deletes a row; {@code AuditLogAppendOnlyTests} keeps it that way.
 */
@Repository
class AuditLog {

    private static final String COLUMNS = "id, created_at, admin_id, admin_email, action, target_type, target_id,"
            + " workspace_id, before_state, after_state, reason, reference";

    private final JdbcClient jdbc;

    AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Appends an entry. An entry with a reference that is already in the log is refused by the unique index (an
     * action that must happen once).
     */
    void append(AuditEntry entry) {
        jdbc.sql("insert into admin_audit_log (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        entry.id(),
                        utc(entry.createdAt()),
                        entry.adminId(),
                        entry.adminEmail(),
                        entry.action(),
                        entry.targetType(),
                        entry.targetId(),
                        entry.workspaceId(),
                        cut(entry.before(), 2000),
                        cut(entry.after(), 2000),
                        cut(entry.reason(), 500),
                        entry.reference())
                .update();
    }

    /** Entries matching the filter, newest first. */
    Page find(AuditFilter filter) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from admin_audit_log where 1 = 1");
        Map<String, Object> params = new HashMap<>();
        equal(sql, params, "admin_id", filter.adminId());
        equal(sql, params, "action", filter.action());
        equal(sql, params, "workspace_id", filter.workspaceId());
        equal(sql, params, "target_id", filter.targetId());
        if (filter.from() != null) {
            sql.append(" and created_at >= :from");
            params.put("from", utc(filter.from()));
        }
        if (filter.to() != null) {
            sql.append(" and created_at < :to");
            params.put("to", utc(filter.to()));
        }
        if (filter.before() != null && !filter.before().isBlank()) {
            String[] cursor = decode(filter.before());
            sql.append(" and (created_at < :cursorAt or (created_at = :cursorAt and id < :cursorId))");
            params.put("cursorAt", utc(Instant.parse(cursor[0])));
            params.put("cursorId", cursor[1]);
        }
        sql.append(" order by created_at desc, id desc limit :limit");
        params.put("limit", filter.limit() + 1);
        List<AuditEntry> rows =
                jdbc.sql(sql.toString()).params(params).query(AuditLog::map).list();
        if (rows.size() <= filter.limit()) {
            return new Page(rows, null);
        }
        List<AuditEntry> page = List.copyOf(rows.subList(0, filter.limit()));
        AuditEntry last = page.getLast();
        String next = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
        return new Page(page, next);
    }

    /** The distinct actions in the log, for the filter's choices. */
    List<String> actions() {
        return jdbc.sql("select distinct action from admin_audit_log order by action")
                .query(String.class)
                .list();
    }

    record Page(List<AuditEntry> entries, String nextCursor) {}

    private static String[] decode(String cursor) {
        try {
            String[] parts =
                    new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8).split("\\|", 2);
            Instant.parse(parts[0]);
            if (parts.length != 2) {
                throw new IllegalArgumentException("no id");
            }
            return parts;
        } catch (RuntimeException invalid) {
            throw new AdminException("The page cursor is not valid; start from the first page.");
        }
    }

    private static void equal(StringBuilder sql, Map<String, Object> params, String column, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(" and ").append(column).append(" = :").append(column);
            params.put(column, value.strip());
        }
    }

    private static AuditEntry map(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(
                rs.getString("id"),
                rs.getObject("created_at", LocalDateTime.class).toInstant(ZoneOffset.UTC),
                rs.getString("admin_id"),
                rs.getString("admin_email"),
                rs.getString("action"),
                rs.getString("target_type"),
                rs.getString("target_id"),
                rs.getString("workspace_id"),
                rs.getString("before_state"),
                rs.getString("after_state"),
                rs.getString("reason"),
                rs.getString("reference"));
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
