package com.imagegate.credits.internal;

import com.imagegate.credits.LotSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Lots and their running totals. Written only while the workspace's account row is locked. */
@Repository
class CreditLots {

    private static final String COLUMNS =
            "id, workspace_id, source, granted, available, held, expires_at, created_at from credit_lot";

    private final JdbcClient jdbc;

    CreditLots(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Lot lot) {
        jdbc.sql("insert into credit_lot (id, workspace_id, source, granted, available, held, expires_at, created_at)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        lot.id(),
                        lot.workspaceId(),
                        lot.source().name(),
                        lot.granted(),
                        lot.available(),
                        lot.held(),
                        DbTime.param(lot.expiresAt()),
                        DbTime.param(lot.createdAt()))
                .update();
    }

    /** The workspace's unexpired lots with available credits, locked (the caller holds the account lock already). */
    List<Lot> lockSpendable(String workspaceId, Instant now) {
        return jdbc.sql("select " + COLUMNS + " where workspace_id = ? and available > 0"
                        + " and (expires_at is null or expires_at > ?) for update")
                .params(workspaceId, DbTime.param(now))
                .query(CreditLots::map)
                .list();
    }

    Optional<Lot> lock(String lotId) {
        return jdbc.sql("select " + COLUMNS + " where id = ? for update")
                .param(lotId)
                .query(CreditLots::map)
                .optional();
    }

    List<Lot> byIds(List<String> lotIds) {
        if (lotIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select " + COLUMNS + " where id in (:ids)")
                .param("ids", lotIds)
                .query(CreditLots::map)
                .list();
    }

    /** Lots that still hold credits: available (expired or not) or reserved. */
    List<Lot> holdingCredits(String workspaceId) {
        return jdbc.sql("select " + COLUMNS + " where workspace_id = ? and (available > 0 or held > 0)")
                .param(workspaceId)
                .query(CreditLots::map)
                .list();
    }

    /** Expired lots whose available credits have not been written off yet, oldest expiry first. */
    List<Lot> expiredWithAvailable(Instant now, int limit) {
        return jdbc.sql("select " + COLUMNS
                        + " where expires_at <= ? and available > 0 order by expires_at, id limit ?")
                .params(DbTime.param(now), limit)
                .query(CreditLots::map)
                .list();
    }

    void apply(Allocation allocation) {
        int updated = jdbc.sql("update credit_lot set available = available + ?, held = held + ? where id = ?")
                .params(allocation.amount(), allocation.held(), allocation.lotId())
                .update();
        if (updated != 1) {
            throw new IllegalStateException("no lot " + allocation.lotId());
        }
    }

    private static Lot map(ResultSet rs, int row) throws SQLException {
        return new Lot(
                rs.getString("id"),
                rs.getString("workspace_id"),
                LotSource.valueOf(rs.getString("source")),
                rs.getLong("granted"),
                rs.getLong("available"),
                rs.getLong("held"),
                DbTime.read(rs, "expires_at"),
                DbTime.read(rs, "created_at"));
    }
}
