package com.imagegate.credits.internal;

import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The per-workspace lock row and its running totals (checked against the entries by the integrity report). */
@Repository
class CreditAccounts {

    private final JdbcClient jdbc;

    CreditAccounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Locks the workspace's row until the transaction ends; empty when the workspace never had credits. */
    Optional<Totals> lock(String workspaceId) {
        return jdbc.sql("select spendable, reserved from credit_account where workspace_id = ? for update")
                .param(workspaceId)
                .query((rs, row) -> new Totals(rs.getLong("spendable"), rs.getLong("reserved")))
                .optional();
    }

    /** Locks the workspace's row, creating it first when it is missing. */
    Totals lockOrCreate(String workspaceId, Instant now) {
        Optional<Totals> locked = lock(workspaceId);
        if (locked.isPresent()) {
            return locked.get();
        }
        try {
            jdbc.sql("insert into credit_account (workspace_id, spendable, reserved, created_at, updated_at)"
                            + " values (?, 0, 0, ?, ?)")
                    .params(workspaceId, DbTime.param(now), DbTime.param(now))
                    .update();
            return new Totals(0, 0);
        } catch (DuplicateKeyException createdConcurrently) {
            return lock(workspaceId).orElseThrow(() -> createdConcurrently);
        }
    }

    void add(String workspaceId, long spendable, long reserved, Instant now) {
        int updated = jdbc.sql("update credit_account set spendable = spendable + ?, reserved = reserved + ?,"
                        + " updated_at = ? where workspace_id = ?")
                .params(spendable, reserved, DbTime.param(now), workspaceId)
                .update();
        if (updated != 1) {
            throw new IllegalStateException("no credit account for " + workspaceId);
        }
    }

    record Totals(long spendable, long reserved) {}
}
