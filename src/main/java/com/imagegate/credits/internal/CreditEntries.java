package com.imagegate.credits.internal;

import com.imagegate.credits.EntryKind;
import com.imagegate.credits.LedgerEntry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The ledger itself: entries and their per-lot allocations. Only ever inserted, never updated or deleted. */
@Repository
class CreditEntries {

    private static final String COLUMNS = "id, workspace_id, kind, amount, held, reference, reservation_ref,"
            + " api_key_id, actor, reason, created_at from credit_entry";

    private final JdbcClient jdbc;

    CreditEntries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Appends an entry and its allocations; the unique reference refuses a second entry for the same operation. */
    void append(LedgerEntry entry, List<Allocation> allocations) {
        long amount = allocations.stream().mapToLong(Allocation::amount).sum();
        long held = allocations.stream().mapToLong(Allocation::held).sum();
        if (amount != entry.credits() || held != entry.held()) {
            throw new IllegalArgumentException("allocations of " + entry.reference() + " do not add up to the entry");
        }
        jdbc.sql("insert into credit_entry (id, workspace_id, kind, amount, held, reference, reservation_ref,"
                        + " api_key_id, actor, reason, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        entry.id(),
                        entry.workspaceId(),
                        entry.kind().name(),
                        entry.credits(),
                        entry.held(),
                        entry.reference(),
                        entry.reservation(),
                        entry.apiKeyId(),
                        entry.actor(),
                        entry.reason(),
                        DbTime.param(entry.createdAt()))
                .update();
        for (Allocation allocation : allocations) {
            jdbc.sql("insert into credit_allocation (entry_id, lot_id, amount, held) values (?, ?, ?, ?)")
                    .params(entry.id(), allocation.lotId(), allocation.amount(), allocation.held())
                    .update();
        }
    }

    Optional<LedgerEntry> byReference(String reference) {
        return jdbc.sql("select " + COLUMNS + " where reference = ?")
                .param(reference)
                .query(CreditEntries::map)
                .optional();
    }

    /** The entries of one reservation, oldest first. */
    List<LedgerEntry> ofReservation(String reservationReference) {
        return jdbc.sql("select " + COLUMNS + " where reservation_ref = ? order by created_at, id")
                .param(reservationReference)
                .query(CreditEntries::map)
                .list();
    }

    /** The allocations of the entry with this reference, in no particular order. */
    List<Allocation> allocationsOf(String reference) {
        return jdbc.sql("select a.lot_id, a.amount, a.held from credit_allocation a"
                        + " join credit_entry e on e.id = a.entry_id where e.reference = ?")
                .param(reference)
                .query((rs, row) -> new Allocation(rs.getString("lot_id"), rs.getLong("amount"), rs.getLong("held")))
                .list();
    }

    /**
     * A page of a workspace's entries, newest first, starting after {@code cursor}; {@code limit + 1} are read so the
     * caller knows whether another page follows.
     */
    List<LedgerEntry> page(
            String workspaceId, Set<EntryKind> kinds, Instant from, Instant to, HistoryCursor cursor, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " where workspace_id = :workspace");
        Map<String, Object> params = new HashMap<>();
        params.put("workspace", workspaceId);
        if (!kinds.isEmpty()) {
            sql.append(" and kind in (:kinds)");
            params.put("kinds", kinds.stream().map(Enum::name).sorted().toList());
        }
        if (from != null) {
            sql.append(" and created_at >= :from");
            params.put("from", DbTime.param(from));
        }
        if (to != null) {
            sql.append(" and created_at < :to");
            params.put("to", DbTime.param(to));
        }
        if (cursor != null) {
            sql.append(" and (created_at < :cursorAt or (created_at = :cursorAt and id < :cursorId))");
            params.put("cursorAt", DbTime.param(cursor.createdAt()));
            params.put("cursorId", cursor.id());
        }
        sql.append(" order by created_at desc, id desc limit :limit");
        params.put("limit", limit + 1);
        return jdbc.sql(sql.toString()).params(params).query(CreditEntries::map).list();
    }

    private static LedgerEntry map(ResultSet rs, int row) throws SQLException {
        return new LedgerEntry(
                rs.getString("id"),
                rs.getString("workspace_id"),
                EntryKind.valueOf(rs.getString("kind")),
                rs.getLong("amount"),
                rs.getLong("held"),
                rs.getString("reference"),
                rs.getString("reservation_ref"),
                rs.getString("api_key_id"),
                rs.getString("actor"),
                rs.getString("reason"),
                DbTime.read(rs, "created_at"));
    }
}
