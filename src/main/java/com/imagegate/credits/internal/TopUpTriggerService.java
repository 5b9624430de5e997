package com.imagegate.credits.internal;

import com.imagegate.credits.TopUpTriggers;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Setting a workspace's auto top-up trigger; the rule itself is {@link BalanceWatch}'s. */
@Service
class TopUpTriggerService implements TopUpTriggers {

    private final JdbcClient jdbc;
    private final CreditAccounts accounts;
    private final BalanceWatch watch;
    private final TransactionTemplate writes;
    private final Clock clock;

    TopUpTriggerService(
            JdbcClient jdbc,
            CreditAccounts accounts,
            BalanceWatch watch,
            PlatformTransactionManager transactionManager,
            Clock clock) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.watch = watch;
        this.writes = new TransactionTemplate(transactionManager);
        this.writes.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.clock = clock;
    }

    @Override
    public Optional<Long> threshold(String workspaceId) {
        return jdbc.sql("select threshold from credit_topup_triggers where workspace_id = ?")
                .param(workspaceId)
                .query(Long.class)
                .optional();
    }

    @Override
    public void set(String workspaceId, long threshold) {
        if (threshold < 1 || threshold > com.imagegate.credits.BalanceAlerts.MAX_THRESHOLD) {
            throw new IllegalArgumentException("top-up threshold out of range: " + threshold);
        }
        writes.executeWithoutResult(status -> {
            Instant now = clock.instant();
            // The ledger's lock first, as every write: the balance read here is the one the next write starts from.
            accounts.lockOrCreate(workspaceId, now);
            Optional<BalanceWatch.Trigger> current = watch.lockTrigger(workspaceId);
            if (current.isPresent() && current.get().threshold() == threshold) {
                return; // saved again: a crossing already triggered stays triggered
            }
            jdbc.sql("insert into credit_topup_triggers (workspace_id, threshold, armed, updated_at)"
                            + " values (?, ?, ?, ?) on duplicate key update threshold = ?, armed = ?, updated_at = ?")
                    .params(workspaceId, threshold, true, DbTime.param(now), threshold, true, DbTime.param(now))
                    .update();
            watch.judgeTrigger(workspaceId); // already below: crosses now, in this transaction
        });
    }

    @Override
    public void remove(String workspaceId) {
        writes.executeWithoutResult(status -> {
            accounts.lockOrCreate(workspaceId, clock.instant());
            jdbc.sql("delete from credit_topup_triggers where workspace_id = ?")
                    .param(workspaceId)
                    .update();
        });
    }
}
