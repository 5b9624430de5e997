package com.imagegate.credits.internal;

import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The per-workspace lock row and its running totals (checked against the entries by the integrity report). */
@Repository
class CreditAccounts {

    private final JdbcClient jdbc;
    private final BalanceWatch watch;

    CreditAccounts(JdbcClient jdbc, BalanceWatch watch) {
        this.jdbc = jdbc;
        this.watch = watch;
    }

    /** Locks the workspace's row until the transaction ends; empty when the workspace never had credits. */
    Optional<Totals> lock(String workspaceId) {
        return jdbc.sql("select spendable, reserved from credit_account where workspace_id = ? for update")
                .param(workspaceId)
                .query((rs, row) -> new Totals(rs.getLong("spendable"), rs.getLong("reserved")))
                .optional();
    }

    /**
     * Locks the workspace's row, creating it first when it is missing. The insert is an upsert: on MySQL/MariaDB a
     * plain insert that meets a concurrently inserted row takes a shared lock on it, and two such transactions then
     * deadlock upgrading to the exclusive lock; the upsert takes the exclusive lock straight away.
     */
    Totals lockOrCreate(String workspaceId, Instant now) {
        // Insert first, then lock: a locking read of a row that does not exist yet takes a gap lock in a REPEATABLE
        // READ caller's transaction (a sign-up), and two such transactions inserting into one gap deadlock.
        jdbc.sql("insert into credit_account (workspace_id, spendable, reserved, created_at, updated_at)"
                        + " values (?, 0, 0, ?, ?) on duplicate key update workspace_id = workspace_id")
                .params(workspaceId, DbTime.param(now), DbTime.param(now))
                .update();
        return lock(workspaceId).orElseThrow(() -> new IllegalStateException("no credit account for " + workspaceId));
    }

    void add(String workspaceId, long spendable, long reserved, Instant now) {
        int updated = jdbc.sql("update credit_account set spendable = spendable + ?, reserved = reserved + ?,"
                        + " updated_at = ? where workspace_id = ?")
                .params(spendable, reserved, DbTime.param(now), workspaceId)
                .update();
        if (updated != 1) {
            throw new IllegalStateException("no credit account for " + workspaceId);
        }
        if (spendable != 0) {
            watch.changed(workspaceId); // the low-balance alert is judged on what the transaction commits
        }
    }

    record Totals(long spendable, long reserved) {}
}
