package com.imagegate.credits.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reservations' state; the credits they hold are in the entries. Written only under the account lock. */
@Repository
class CreditReservations {

    private static final String COLUMNS = "reference, workspace_id, api_key_id, credits, captured, released, state,"
            + " actor, created_at, settled_at from credit_reservation";

    private final JdbcClient jdbc;

    CreditReservations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<ReservationRecord> find(String reference) {
        return jdbc.sql("select " + COLUMNS + " where reference = ?")
                .param(reference)
                .query(CreditReservations::map)
                .optional();
    }

    /** The reservation as last committed, locked (the caller holds the account lock already). */
    Optional<ReservationRecord> lock(String reference) {
        return jdbc.sql("select " + COLUMNS + " where reference = ? for update")
                .param(reference)
                .query(CreditReservations::map)
                .optional();
    }

    void insert(ReservationRecord reservation) {
        jdbc.sql("insert into credit_reservation (reference, workspace_id, api_key_id, credits, captured, released,"
                        + " state, actor, created_at, settled_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        reservation.reference(),
                        reservation.workspaceId(),
                        reservation.apiKeyId(),
                        reservation.credits(),
                        reservation.captured(),
                        reservation.released(),
                        reservation.state().name(),
                        reservation.actor(),
                        DbTime.param(reservation.createdAt()),
                        DbTime.param(reservation.settledAt()))
                .update();
    }

    /** Moves a HELD reservation to its settled state; refuses (throws) if it was not HELD. */
    void settle(ReservationRecord settled) {
        int updated = jdbc.sql("update credit_reservation set state = ?, captured = ?, released = ?, settled_at = ?"
                        + " where reference = ? and state = 'HELD'")
                .params(
                        settled.state().name(),
                        settled.captured(),
                        settled.released(),
                        DbTime.param(settled.settledAt()),
                        settled.reference())
                .update();
        if (updated != 1) {
            throw new IllegalStateException("reservation " + settled.reference() + " was not held");
        }
    }

    /** Credits an API key's reservations made in [from, to) hold or captured. */
    long keyUsage(String apiKeyId, Instant from, Instant to) {
        return jdbc.sql("select coalesce(sum(case state when 'HELD' then credits when 'CAPTURED' then captured"
                        + " else 0 end), 0) from credit_reservation"
                        + " where api_key_id = ? and created_at >= ? and created_at < ?")
                .params(apiKeyId, DbTime.param(from), DbTime.param(to))
                .query(Long.class)
                .single();
    }

    /** Open reservations made before {@code before}, oldest first. */
    List<ReservationRecord> heldSince(Instant before, int limit) {
        return jdbc.sql("select " + COLUMNS + " where state = 'HELD' and created_at < ? order by created_at limit ?")
                .params(DbTime.param(before), limit)
                .query(CreditReservations::map)
                .list();
    }

    private static ReservationRecord map(ResultSet rs, int row) throws SQLException {
        return new ReservationRecord(
                rs.getString("reference"),
                rs.getString("workspace_id"),
                rs.getString("api_key_id"),
                rs.getLong("credits"),
                rs.getLong("captured"),
                rs.getLong("released"),
                ReservationRecord.State.valueOf(rs.getString("state")),
                rs.getString("actor"),
                DbTime.read(rs, "created_at"),
                DbTime.read(rs, "settled_at"));
    }
}
