package com.imagegate.credits.internal;

import com.imagegate.credits.BalanceLow;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The low-balance rule. Every change of a workspace's spendable figure ({@link CreditAccounts#add}) marks the
 * workspace in the running transaction; just before that transaction commits, still holding the workspace's {@code
 * credit_account} lock, the balance it leaves is compared with the workspace's {@code credit_alerts} row: armed and
 * below → disarm and publish {@link BalanceLow}; disarmed and at or above → arm. Judging the committed result rather
 * than each write keeps a plan change (write-off of the old allowance, then the new grant, in one transaction) from
 * alerting, and a transaction that rolls back (a refused task, a quote) judges nothing.
 */
@Component
class BalanceWatch {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    BalanceWatch(JdbcClient jdbc, ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
    }

    /** The workspace's spendable figure changed in the running transaction. */
    void changed(String workspaceId) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return; // every ledger write runs in a transaction; nothing to judge without one
        }
        // Found among the transaction's synchronizations (not a bound resource), so a transaction suspended by a
        // REQUIRES_NEW one keeps its own list and each is judged at its own commit.
        Judgement judgement = TransactionSynchronizationManager.getSynchronizations().stream()
                .filter(sync -> sync instanceof Judgement mine && mine.watch() == this)
                .map(Judgement.class::cast)
                .findFirst()
                .orElseGet(() -> {
                    Judgement fresh = new Judgement(this);
                    TransactionSynchronizationManager.registerSynchronization(fresh);
                    return fresh;
                });
        judgement.workspaces().add(workspaceId);
    }

    /** The workspaces one transaction changed, judged just before it commits (never when it rolls back). */
    private static final class Judgement implements TransactionSynchronization {

        private final BalanceWatch watch;
        private final Set<String> workspaces = new LinkedHashSet<>();

        Judgement(BalanceWatch watch) {
            this.watch = watch;
        }

        BalanceWatch watch() {
            return watch;
        }

        Set<String> workspaces() {
            return workspaces; // identity equality: Spring keeps synchronizations in a set
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            workspaces.forEach(watch::judge);
        }
    }

    /** Compares the balance this transaction leaves with the workspace's alert, under the workspace's lock. */
    void judge(String workspaceId) {
        // A plain read first, so that a workspace without an alert costs no lock (and no gap lock in a REPEATABLE READ
        // caller's transaction); then a locking read, which sees the last committed state of an alert that exists.
        if (!exists(workspaceId)) {
            return;
        }
        long balance = jdbc.sql("select spendable from credit_account where workspace_id = ? for update")
                .param(workspaceId)
                .query(Long.class)
                .single();
        Optional<Alert> alert = lock(workspaceId);
        if (alert.isEmpty()) {
            return;
        }
        boolean below = balance < alert.get().threshold();
        if (alert.get().armed() && below) {
            arm(workspaceId, false);
            events.publishEvent(new BalanceLow(workspaceId, balance, alert.get().threshold()));
        } else if (!alert.get().armed() && !below) {
            arm(workspaceId, true);
        }
    }

    boolean exists(String workspaceId) {
        return jdbc.sql("select count(*) from credit_alerts where workspace_id = ?")
                        .param(workspaceId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    Optional<Alert> lock(String workspaceId) {
        return jdbc.sql("select threshold, armed from credit_alerts where workspace_id = ? for update")
                .param(workspaceId)
                .query((rs, row) -> new Alert(rs.getLong("threshold"), rs.getBoolean("armed")))
                .optional();
    }

    private void arm(String workspaceId, boolean armed) {
        jdbc.sql("update credit_alerts set armed = ?, updated_at = ? where workspace_id = ?")
                .params(armed, DbTime.param(clock.instant()), workspaceId)
                .update();
    }

    record Alert(long threshold, boolean armed) {}
}
