package com.imagegate.credits.internal;

import com.imagegate.credits.BalanceAlerts;
import com.imagegate.credits.BalanceLow;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Setting a workspace's low-balance threshold; the rule itself is {@link BalanceWatch}'s. */
@Service
class BalanceAlertService implements BalanceAlerts {

    private final JdbcClient jdbc;
    private final CreditAccounts accounts;
    private final BalanceWatch watch;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate writes;
    private final Clock clock;

    BalanceAlertService(
            JdbcClient jdbc,
            CreditAccounts accounts,
            BalanceWatch watch,
            ApplicationEventPublisher events,
            PlatformTransactionManager transactionManager,
            Clock clock) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.watch = watch;
        this.events = events;
        this.writes = new TransactionTemplate(transactionManager);
        this.writes.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.clock = clock;
    }

    @Override
    public Optional<Long> threshold(String workspaceId) {
        return jdbc.sql("select threshold from credit_alerts where workspace_id = ?")
                .param(workspaceId)
                .query(Long.class)
                .optional();
    }

    @Override
    public void setThreshold(String workspaceId, Long threshold, String actor) {
        if (threshold != null && (threshold < 0 || threshold > MAX_THRESHOLD)) {
            throw new IllegalArgumentException("threshold out of range: " + threshold);
        }
        writes.executeWithoutResult(status -> {
            Instant now = clock.instant();
            // The ledger's lock first, as every write: the balance read here is the one the next write starts from.
            long balance = accounts.lockOrCreate(workspaceId, now).spendable();
            Optional<BalanceWatch.Alert> current = watch.lock(workspaceId);
            if (threshold == null) {
                jdbc.sql("delete from credit_alerts where workspace_id = ?")
                        .param(workspaceId)
                        .update();
                return;
            }
            if (current.isPresent() && current.get().threshold() == threshold) {
                return; // saved again: a crossing already alerted stays alerted
            }
            boolean below = balance < threshold;
            jdbc.sql("insert into credit_alerts (workspace_id, threshold, armed, updated_at, updated_by)"
                            + " values (?, ?, ?, ?, ?) on duplicate key update threshold = ?, armed = ?,"
                            + " updated_at = ?, updated_by = ?")
                    .params(
                            workspaceId,
                            threshold,
                            !below,
                            DbTime.param(now),
                            actor,
                            threshold,
                            !below,
                            DbTime.param(now),
                            actor)
                    .update();
            if (below) {
                events.publishEvent(new BalanceLow(workspaceId, balance, threshold));
            }
        });
    }
}
