package com.imagegate.credits.internal;

import com.imagegate.credits.BudgetPeriod;
import com.imagegate.credits.KeyBudgetReached;
import java.time.Instant;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The key-budget alert rule. Called by {@code reserve}, under the workspace's {@code credit_account} lock, after the
 * budget check accepted a reservation: when the key's spend in the period goes from below a level (80% or 100% of the
 * budget) to at or above it, a {@code credit_key_budget_alerts} row for (key, period, period start, level) is inserted
 * unless present and {@link KeyBudgetReached} is published. The row commits or rolls back with the reservation, so a
 * level alerts once per key per period; a reservation that crosses no level costs nothing.
 */
@Component
class KeyBudgetWatch {

    static final int[] LEVELS = {80, 100};

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    KeyBudgetWatch(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /** Whether {@code spent} is at least {@code level} percent of {@code budget}, without overflow. */
    static boolean reached(long budget, long spent, int level) {
        // ceil(budget * level / 100) with budget = 100q + r
        long threshold = (budget / 100) * level + ((budget % 100) * level + 99) / 100;
        return spent >= threshold;
    }

    /**
     * A reservation of the key took its spend in the period from {@code before} to {@code after}. Under the
     * workspace's lock (every reserve with the key takes it), so the read-then-insert cannot race.
     */
    void reserved(
            String workspaceId,
            String apiKeyId,
            long budget,
            BudgetPeriod period,
            Instant from,
            Instant resetsAt,
            long before,
            long after,
            Instant now) {
        if (budget <= 0) {
            return; // a zero budget refuses everything: nothing is ever reached by spending
        }
        for (int level : LEVELS) {
            if (reached(budget, after, level) && !reached(budget, before, level)) {
                alert(workspaceId, apiKeyId, budget, period, from, resetsAt, level, after, now);
            }
        }
    }

    private void alert(
            String workspaceId,
            String apiKeyId,
            long budget,
            BudgetPeriod period,
            Instant from,
            Instant resetsAt,
            int level,
            long spent,
            Instant now) {
        boolean sent =
                jdbc.sql("select count(*) from credit_key_budget_alerts where api_key_id = ? and budget_period = ?"
                                        + " and period_start = ? and alert_level = ?")
                                .params(apiKeyId, period.name(), DbTime.param(from), level)
                                .query(Long.class)
                                .single()
                        > 0;
        if (sent) {
            return; // e.g. the budget was raised and crossed again in the same period
        }
        jdbc.sql("insert into credit_key_budget_alerts (api_key_id, budget_period, period_start, alert_level,"
                        + " workspace_id, budget, spent, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        apiKeyId,
                        period.name(),
                        DbTime.param(from),
                        level,
                        workspaceId,
                        budget,
                        spent,
                        DbTime.param(now))
                .update();
        events.publishEvent(new KeyBudgetReached(workspaceId, apiKeyId, level, period, from, resetsAt, budget, spent));
    }
}
