package com.imagegate.generation.internal;

import com.imagegate.generation.Usage;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Usage by day and key, and by end user, summed by the database from the workspace's tasks (indexed by workspace and creation time).
 * Images are counted from the stored images, so a partly delivered task counts what it delivered.
 */
@Service
class UsageService implements Usage {

    private static final String TASKS = """
            select cast(created_at as date) as usage_day, api_key_id,
                   count(*) as tasks,
                   sum(case when status = 'FAILED' then 1 else 0 end) as failures,
                   sum(coalesce(credits_captured, 0)) as credits
              from image_tasks
             where workspace_id = :workspaceId and created_at >= :from and created_at < :to
             group by cast(created_at as date), api_key_id
            """;

    private static final String IMAGES = """
            select cast(t.created_at as date) as usage_day, t.api_key_id, count(*) as images
              from task_images i join image_tasks t on t.id = i.task_id
             where i.workspace_id = :workspaceId and t.workspace_id = :workspaceId
               and t.created_at >= :from and t.created_at < :to
             group by cast(t.created_at as date), t.api_key_id
            """;

    private static final String BY_USER = """
            select end_user, count(*) as tasks, sum(coalesce(credits_captured, 0)) as credits
              from image_tasks
             where workspace_id = :workspaceId and end_user is not null
               and created_at >= :from and created_at < :to
             group by end_user
             order by credits desc, tasks desc, end_user
             limit :limit
            """;

    private static final String IMAGES_BY_USER = """
            select t.end_user, count(*) as images
              from task_images i join image_tasks t on t.id = i.task_id
             where i.workspace_id = :workspaceId and t.workspace_id = :workspaceId and t.end_user is not null
               and t.created_at >= :from and t.created_at < :to
             group by t.end_user
            """;

    private final JdbcClient jdbc;

    UsageService(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<UsageRow> daily(String workspaceId, LocalDate from, LocalDate to) {
        if (to.isBefore(from)) {
            return List.of();
        }
        Map<String, Object> params = Map.of(
                "workspaceId", workspaceId,
                "from", Timestamp.from(from.atStartOfDay(ZoneOffset.UTC).toInstant()),
                "to", Timestamp.from(to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        Map<Key, long[]> sums = new LinkedHashMap<>();
        jdbc.sql(TASKS).params(params).query((RowCallbackHandler) rs -> {
            long[] row = sums.computeIfAbsent(
                    new Key(rs.getObject("usage_day", LocalDate.class), rs.getString("api_key_id")), k -> new long[4]);
            row[0] = rs.getLong("tasks");
            row[2] = rs.getLong("failures");
            row[3] = rs.getLong("credits");
        });
        jdbc.sql(IMAGES).params(params).query((RowCallbackHandler) rs -> {
            long[] row = sums.computeIfAbsent(
                    new Key(rs.getObject("usage_day", LocalDate.class), rs.getString("api_key_id")), k -> new long[4]);
            row[1] = rs.getLong("images");
        });
        List<UsageRow> rows = new ArrayList<>(sums.size());
        sums.forEach((key, v) -> rows.add(new UsageRow(key.day(), key.apiKeyId(), v[0], v[1], v[2], v[3])));
        rows.sort(Comparator.comparing(UsageRow::day)
                .thenComparing(UsageRow::apiKeyId, Comparator.nullsFirst(Comparator.naturalOrder())));
        return List.copyOf(rows);
    }

    @Override
    public List<UserUsageRow> byUser(String workspaceId, LocalDate from, LocalDate to, int limit) {
        if (to.isBefore(from) || limit <= 0) {
            return List.of();
        }
        Map<String, Object> params = Map.of(
                "workspaceId", workspaceId,
                "from", Timestamp.from(from.atStartOfDay(ZoneOffset.UTC).toInstant()),
                "to", Timestamp.from(to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        Map<String, Long> images = new HashMap<>();
        jdbc.sql(IMAGES_BY_USER).params(params).query((RowCallbackHandler)
                rs -> images.put(rs.getString("end_user"), rs.getLong("images")));
        return jdbc.sql(BY_USER)
                .params(params)
                .param("limit", limit)
                .query((rs, i) -> new UserUsageRow(
                        rs.getString("end_user"),
                        rs.getLong("tasks"),
                        images.getOrDefault(rs.getString("end_user"), 0L),
                        rs.getLong("credits")))
                .list();
    }

    private record Key(LocalDate day, String apiKeyId) {}
}
