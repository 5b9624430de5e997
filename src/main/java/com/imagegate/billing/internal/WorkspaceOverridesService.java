package com.imagegate.billing.internal;

import com.imagegate.billing.CustomTerms;
import com.imagegate.billing.WorkspaceOverrides;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code billing_workspace_overrides} table: one row per workspace with custom terms, none for the rest. Read by
 * primary key on every {@code Plans.current} (no cache, so a change applies to the next request on every node).
 */
@Service
class WorkspaceOverridesService implements WorkspaceOverrides {

    private static final String SELECT = "select requests_per_minute, concurrent_tasks, price_multiplier"
            + " from billing_workspace_overrides where workspace_id = ?";

    private final JdbcClient jdbc;
    private final Clock clock;

    WorkspaceOverridesService(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public CustomTerms get(String workspaceId) {
        return jdbc.sql(SELECT)
                .param(workspaceId)
                .query(WorkspaceOverridesService::terms)
                .optional()
                .orElse(CustomTerms.NONE);
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public CustomTerms set(String workspaceId, CustomTerms terms, String actor) {
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        // Make the row if need be, then lock it: concurrent changes of one workspace each see the one before.
        jdbc.sql("insert into billing_workspace_overrides (workspace_id, updated_at, updated_by) values (?, ?, ?)"
                        + " on duplicate key update workspace_id = workspace_id")
                .params(workspaceId, now, actor)
                .update();
        CustomTerms before = jdbc.sql(SELECT + " for update")
                .param(workspaceId)
                .query(WorkspaceOverridesService::terms)
                .single();
        if (terms.isEmpty()) {
            jdbc.sql("delete from billing_workspace_overrides where workspace_id = ?")
                    .param(workspaceId)
                    .update();
        } else {
            jdbc.sql("update billing_workspace_overrides set requests_per_minute = ?, concurrent_tasks = ?,"
                            + " price_multiplier = ?, updated_at = ?, updated_by = ? where workspace_id = ?")
                    .params(
                            terms.requestsPerMinute(),
                            terms.concurrentTasks(),
                            terms.priceMultiplier(),
                            now,
                            actor,
                            workspaceId)
                    .update();
        }
        return before;
    }

    private static CustomTerms terms(ResultSet rs, int row) throws SQLException {
        Integer perMinute = rs.getObject("requests_per_minute", Integer.class);
        Integer concurrent = rs.getObject("concurrent_tasks", Integer.class);
        BigDecimal multiplier = rs.getBigDecimal("price_multiplier");
        return new CustomTerms(perMinute, concurrent, multiplier);
    }
}
