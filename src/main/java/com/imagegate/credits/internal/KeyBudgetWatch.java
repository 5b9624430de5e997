package com.imagegate.credits.internal;

import com.imagegate.credits.BudgetPeriod;
import com.imagegate.credits.KeyBudgetReached;
import com.imagegate.credits.KeyCapExceededException;
import java.time.Instant;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The key-budget alert rule. Called by {@code reserve}, under the workspace's {@code credit_account} lock, after the
 * budget check accepted a reservation: when the key's spend in the period goes from below a level (80% or 100% of the
 * budget) to at or above it, a {@code credit_key_budget_alerts} row for (key, period, period start, level) is inserted
 * unless present and {@link KeyBudgetReached} is published. The row commits or rolls back with the reservation, so a
 * level alerts once per key per period; a reservation that crosses no level costs nothing.
 *
 * <p>A creation refused by the budget ({@link #refused}) raises the 100% level too, since the key is now stopped: the
 * refusing transaction rolls back, so the row ({@code refused_credits} set) and the event are written in a transaction
 * of their own that takes the same workspace lock and re-reads the row under it. Parallel refusals, and a refusal
 * racing an accepted crossing, on any node, thus insert one row between them; once it exists, a refusal costs one
 * primary-key read and no lock.
 */
@Component
class KeyBudgetWatch {

    static final int[] LEVELS = {80, 100};

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final CreditAccounts accounts;
    private final TransactionTemplate ownTransaction;

    KeyBudgetWatch(
            JdbcClient jdbc,
            ApplicationEventPublisher events,
            CreditAccounts accounts,
            PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.events = events;
        this.accounts = accounts;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.ownTransaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    /**
     * A creation with the key was refused by its budget (its transaction rolled back): the 100% alert for the period,
     * once. The check of the existing row before the lock keeps repeated refusals cheap; the check under the lock
     * decides.
     */
    void refused(String workspaceId, KeyCapExceededException refused, Instant now) {
        BudgetPeriod period = refused.period();
        // Any instant inside the refused period gives its start; resetsAt is the (exclusive) end.
        Instant from = period.start(refused.resetsAt().minusSeconds(1));
        if (sent(refused.apiKeyId(), period, from, 100)) {
            return;
        }
        ownTransaction.executeWithoutResult(status -> {
            if (accounts.lock(workspaceId).isEmpty() || sent(refused.apiKeyId(), period, from, 100)) {
                return;
            }
            insert(
                    workspaceId,
                    refused.apiKeyId(),
                    refused.budget(),
                    period,
                    from,
                    100,
                    refused.used(),
                    refused.requested(),
                    now);
            events.publishEvent(new KeyBudgetReached(
                    workspaceId,
                    refused.apiKeyId(),
                    100,
                    period,
                    from,
                    refused.resetsAt(),
                    refused.budget(),
                    refused.used(),
                    Math.max(1, refused.requested())));
        });
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
        if (sent(apiKeyId, period, from, level)) {
            return; // e.g. the budget was raised and crossed again in the same period, or a refusal raised 100%
        }
        insert(workspaceId, apiKeyId, budget, period, from, level, spent, null, now);
        events.publishEvent(new KeyBudgetReached(workspaceId, apiKeyId, level, period, from, resetsAt, budget, spent));
    }

    /** Whether a creation with the key was refused by its budget in the period starting at {@code from}. */
    boolean refusedIn(String apiKeyId, BudgetPeriod period, Instant from) {
        return jdbc.sql("select count(*) from credit_key_budget_alerts where api_key_id = ? and budget_period = ?"
                                + " and period_start = ? and alert_level = 100 and refused_credits is not null")
                        .params(apiKeyId, period.name(), DbTime.param(from))
                        .query(Long.class)
                        .single()
                > 0;
    }

    private boolean sent(String apiKeyId, BudgetPeriod period, Instant from, int level) {
        return jdbc.sql("select count(*) from credit_key_budget_alerts where api_key_id = ? and budget_period = ?"
                                + " and period_start = ? and alert_level = ?")
                        .params(apiKeyId, period.name(), DbTime.param(from), level)
                        .query(Long.class)
                        .single()
                > 0;
    }

    private void insert(
            String workspaceId,
            String apiKeyId,
            long budget,
            BudgetPeriod period,
            Instant from,
            int level,
            long spent,
            Long refusedCredits,
            Instant now) {
        jdbc.sql(
                        "insert into credit_key_budget_alerts (api_key_id, budget_period, period_start, alert_level,"
                                + " workspace_id, budget, spent, refused_credits, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        apiKeyId,
                        period.name(),
                        DbTime.param(from),
                        level,
                        workspaceId,
                        budget,
                        spent,
                        refusedCredits,
                        DbTime.param(now))
                .update();
    }
}
