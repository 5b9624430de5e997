package com.imagegate.generation.internal;

import static com.imagegate.generation.internal.SqlTimes.instant;
import static com.imagegate.generation.internal.SqlTimes.utc;

import com.imagegate.generation.TaskAdmin;
import com.imagegate.generation.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** SQL over {@code image_tasks} and {@code task_images} for the admin console; reads only. */
@Service
class TaskAdminService implements TaskAdmin {

    private static final String COLUMNS = "t.id, t.workspace_id, t.api_key_id, t.source, t.kind, t.status, t.model,"
            + " t.provider, t.n, t.size, t.quality, t.credits, t.credits_captured, t.credits_refunded, t.error_code,"
            + " t.error_message, t.request_id, t.attempts, t.created_at, t.started_at, t.finished_at,"
            + " (select count(*) from task_images i where i.task_id = t.id) as images";

    private final JdbcClient jdbc;

    TaskAdminService(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Page search(Filter filter) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from image_tasks t where 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (filter.status() != null) {
            sql.append(" and t.status = :status");
            params.put("status", filter.status().name());
        }
        add(sql, params, "workspace_id", "workspace", filter.workspaceId());
        if (filter.provider() != null) {
            sql.append(" and t.provider = :provider");
            params.put("provider", filter.provider().wireValue());
        }
        add(sql, params, "model", "model", filter.model());
        add(sql, params, "size", "size", filter.size());
        if (filter.from() != null) {
            sql.append(" and t.created_at >= :from");
            params.put("from", utc(filter.from()));
        }
        if (filter.to() != null) {
            sql.append(" and t.created_at < :to");
            params.put("to", utc(filter.to()));
        }
        Cursor cursor = Cursor.decode(filter.before());
        if (cursor != null) {
            sql.append(" and (t.created_at < :cursorAt or (t.created_at = :cursorAt and t.id < :cursorId))");
            params.put("cursorAt", utc(cursor.createdAt()));
            params.put("cursorId", cursor.id());
        }
        sql.append(" order by t.created_at desc, t.id desc limit :limit");
        params.put("limit", filter.limit() + 1);
        List<TaskRecord> rows = jdbc.sql(sql.toString())
                .params(params)
                .query(TaskAdminService::task)
                .list();
        if (rows.size() <= filter.limit()) {
            return new Page(rows, null);
        }
        List<TaskRecord> page = rows.subList(0, filter.limit());
        TaskRecord last = page.getLast();
        return new Page(List.copyOf(page), new Cursor(last.createdAt(), last.id()).encode());
    }

    @Override
    public Optional<TaskRecord> find(String taskId) {
        return jdbc.sql("select " + COLUMNS + " from image_tasks t where t.id = ?")
                .param(taskId)
                .query(TaskAdminService::task)
                .optional();
    }

    @Override
    public Totals totals(Instant from, Instant to) {
        var params = Map.<String, Object>of("from", utc(from), "to", utc(to));
        long[] sums = new long[6];
        jdbc.sql("select count(*) as tasks,"
                        + " sum(case when status = 'SUCCEEDED' then 1 else 0 end) as succeeded,"
                        + " sum(case when status = 'FAILED' then 1 else 0 end) as failed,"
                        + " sum(case when status = 'CANCELED' then 1 else 0 end) as canceled,"
                        + " sum(coalesce(credits_captured, 0)) as captured"
                        + " from image_tasks where created_at >= :from and created_at < :to")
                .params(params)
                .query((RowCallbackHandler) rs -> {
                    sums[0] = rs.getLong("tasks");
                    sums[1] = rs.getLong("succeeded");
                    sums[2] = rs.getLong("failed");
                    sums[3] = rs.getLong("canceled");
                    sums[5] = rs.getLong("captured");
                });
        sums[4] = jdbc.sql("select count(*) from task_images i join image_tasks t on t.id = i.task_id"
                        + " where t.created_at >= :from and t.created_at < :to")
                .params(params)
                .query(Long.class)
                .single();
        return new Totals(sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]);
    }

    @Override
    public List<DailyTotals> daily(LocalDate from, LocalDate to) {
        var params = days(from, to);
        Map<LocalDate, long[]> sums = new TreeMap<>();
        jdbc.sql("select cast(created_at as date) as usage_day, count(*) as tasks,"
                        + " sum(case when status = 'FAILED' then 1 else 0 end) as failures,"
                        + " sum(coalesce(credits_captured, 0)) as captured"
                        + " from image_tasks where created_at >= :from and created_at < :to"
                        + " group by cast(created_at as date)")
                .params(params)
                .query((RowCallbackHandler) rs -> {
                    long[] row = sums.computeIfAbsent(rs.getObject("usage_day", LocalDate.class), d -> new long[4]);
                    row[0] = rs.getLong("tasks");
                    row[1] = rs.getLong("failures");
                    row[3] = rs.getLong("captured");
                });
        jdbc.sql("select cast(t.created_at as date) as usage_day, count(*) as images"
                        + " from task_images i join image_tasks t on t.id = i.task_id"
                        + " where t.created_at >= :from and t.created_at < :to group by cast(t.created_at as date)")
                .params(params)
                .query((RowCallbackHandler)
                        rs -> sums.computeIfAbsent(rs.getObject("usage_day", LocalDate.class), d -> new long[4])[2] =
                                rs.getLong("images"));
        List<DailyTotals> result = new ArrayList<>();
        sums.forEach((day, v) -> result.add(new DailyTotals(day, v[0], v[1], v[2], v[3])));
        return List.copyOf(result);
    }

    @Override
    public List<WorkspaceDay> usageByWorkspace(LocalDate from, LocalDate to) {
        var params = days(from, to);
        record Key(String workspaceId, LocalDate day) {}
        Map<Key, long[]> sums = new LinkedHashMap<>();
        Map<Key, Map<String, Long>> images = new HashMap<>();
        jdbc.sql("select workspace_id, cast(created_at as date) as usage_day, count(*) as tasks,"
                        + " sum(case when status = 'FAILED' then 1 else 0 end) as failures,"
                        + " sum(coalesce(credits_captured, 0)) as credits"
                        + " from image_tasks where created_at >= :from and created_at < :to"
                        + " group by workspace_id, cast(created_at as date)"
                        + " order by usage_day, workspace_id")
                .params(params)
                .query((RowCallbackHandler) rs -> sums.put(
                        new Key(rs.getString("workspace_id"), rs.getObject("usage_day", LocalDate.class)),
                        new long[] {rs.getLong("tasks"), rs.getLong("failures"), rs.getLong("credits")}));
        jdbc.sql("select t.workspace_id, cast(t.created_at as date) as usage_day, t.size, count(*) as images"
                        + " from task_images i join image_tasks t on t.id = i.task_id"
                        + " where t.created_at >= :from and t.created_at < :to"
                        + " group by t.workspace_id, cast(t.created_at as date), t.size")
                .params(params)
                .query((RowCallbackHandler) rs -> images.computeIfAbsent(
                                new Key(rs.getString("workspace_id"), rs.getObject("usage_day", LocalDate.class)),
                                k -> new TreeMap<>())
                        .put(rs.getString("size"), rs.getLong("images")));
        List<WorkspaceDay> result = new ArrayList<>(sums.size());
        sums.forEach((key, v) -> result.add(new WorkspaceDay(
                key.workspaceId(), key.day(), v[0], v[1], v[2], Map.copyOf(images.getOrDefault(key, Map.of())))));
        return List.copyOf(result);
    }

    private static void add(StringBuilder sql, Map<String, Object> params, String column, String name, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(" and t.").append(column).append(" = :").append(name);
            params.put(name, value.strip());
        }
    }

    private static Map<String, Object> days(LocalDate from, LocalDate to) {
        return Map.of("from", from.atStartOfDay(), "to", to.plusDays(1).atStartOfDay());
    }

    private static TaskRecord task(ResultSet rs, int row) throws SQLException {
        long captured = rs.getLong("credits_captured");
        Long creditsCaptured = rs.wasNull() ? null : captured;
        return new TaskRecord(
                rs.getString("id"),
                rs.getString("workspace_id"),
                rs.getString("api_key_id"),
                TaskColumns.source(rs.getString("source")),
                TaskColumns.kind(rs.getString("kind")),
                TaskStatus.valueOf(rs.getString("status")),
                rs.getString("model"),
                TaskColumns.provider(rs.getString("provider")),
                rs.getInt("n"),
                rs.getString("size"),
                rs.getString("quality"),
                rs.getLong("credits"),
                creditsCaptured,
                rs.getBoolean("credits_refunded"),
                rs.getString("error_code"),
                rs.getString("error_message"),
                rs.getString("request_id"),
                rs.getInt("attempts"),
                rs.getInt("images"),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"));
    }

    /** Position after the last task of a page: its creation time and id, base64url. */
    record Cursor(Instant createdAt, String id) {

        String encode() {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((createdAt.toString() + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(value.strip()), StandardCharsets.UTF_8)
                        .split("\\|", 2);
                return new Cursor(Instant.parse(parts[0]), parts[1]);
            } catch (RuntimeException invalid) {
                throw new IllegalArgumentException("The page cursor is not valid; start from the first page.");
            }
        }
    }
}
