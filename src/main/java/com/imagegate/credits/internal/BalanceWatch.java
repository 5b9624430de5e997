package com.imagegate.credits.internal;

import com.imagegate.Ids;
import com.imagegate.credits.BalanceLow;
import com.imagegate.credits.TopUpThresholdCrossed;
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
 * The threshold rules: the low-balance alert and the auto top-up trigger. Every change of a workspace's spendable figure ({@link CreditAccounts#add}) marks the
 * workspace in the running transaction; just before that transaction commits, still holding the workspace's {@code
 * credit_account} lock, the balance it leaves is compared with the workspace's {@code credit_alerts} row: armed and
 * below → disarm and publish {@link BalanceLow}; disarmed and at or above → arm. Judging the committed result rather
 * than each write keeps a plan change (write-off of the old allowance, then the new grant, in one transaction) from
 * alerting, and a transaction that rolls back (a refused task, a quote) judges nothing.
 *
 * <p>The auto top-up trigger ({@code credit_topup_triggers}) follows the same rule with its own threshold; crossing it
 * also records a new crossing id, which {@link TopUpThresholdCrossed} carries (the work it starts is keyed on it).
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

    /** Compares the balance this transaction leaves with the workspace's rules, under the workspace's lock. */
    void judge(String workspaceId) {
        // A plain read first, so that a workspace without a rule costs no lock (and no gap lock in a REPEATABLE READ
        // caller's transaction); then locking reads, which see the last committed state of the rules that exist.
        boolean alert = exists(workspaceId);
        boolean trigger = triggerExists(workspaceId);
        if (!alert && !trigger) {
            return;
        }
        long balance = jdbc.sql("select spendable from credit_account where workspace_id = ? for update")
                .param(workspaceId)
                .query(Long.class)
                .single();
        if (alert) {
            judgeAlert(workspaceId, balance);
        }
        if (trigger) {
            judgeTrigger(workspaceId, balance);
        }
    }

    private void judgeAlert(String workspaceId, long balance) {
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

    /** Judges the top-up trigger alone, now (a trigger just set): the caller holds the workspace's lock. */
    void judgeTrigger(String workspaceId) {
        long balance = jdbc.sql("select spendable from credit_account where workspace_id = ? for update")
                .param(workspaceId)
                .query(Long.class)
                .single();
        judgeTrigger(workspaceId, balance);
    }

    private void judgeTrigger(String workspaceId, long balance) {
        Optional<Trigger> trigger = lockTrigger(workspaceId);
        if (trigger.isEmpty()) {
            return;
        }
        boolean below = balance < trigger.get().threshold();
        if (trigger.get().armed() && below) {
            String crossing = Ids.next("tuc");
            jdbc.sql(
                            "update credit_topup_triggers set armed = ?, last_crossing = ?, updated_at = ? where workspace_id = ?")
                    .params(false, crossing, DbTime.param(clock.instant()), workspaceId)
                    .update();
            events.publishEvent(new TopUpThresholdCrossed(
                    workspaceId, crossing, balance, trigger.get().threshold()));
        } else if (!trigger.get().armed() && !below) {
            jdbc.sql("update credit_topup_triggers set armed = ?, updated_at = ? where workspace_id = ?")
                    .params(true, DbTime.param(clock.instant()), workspaceId)
                    .update();
        }
    }

    boolean triggerExists(String workspaceId) {
        return jdbc.sql("select count(*) from credit_topup_triggers where workspace_id = ?")
                        .param(workspaceId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    Optional<Trigger> lockTrigger(String workspaceId) {
        return jdbc.sql("select threshold, armed from credit_topup_triggers where workspace_id = ? for update")
                .param(workspaceId)
                .query((rs, row) -> new Trigger(rs.getLong("threshold"), rs.getBoolean("armed")))
                .optional();
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

    record Trigger(long threshold, boolean armed) {}
}
