package com.imagegate.credits.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
        addKeyUsage(reservation.apiKeyId(), reservation.createdAt(), reservation.keyUsage());
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
        // It was HELD (the update says so), which counted all its credits.
        addKeyUsage(settled.apiKeyId(), settled.createdAt(), settled.keyUsage() - settled.credits());
    }

    /**
     * Credits an API key's reservations made in [from, to) hold or captured, from the running totals per UTC day
     * ({@code credit_key_day_usage}): at most one row per day of the period, whatever the key made in it.
     *
     * @param from a UTC midnight (budget periods start at one)
     * @param to a later UTC midnight
     */
    long keyUsage(String apiKeyId, Instant from, Instant to) {
        return jdbc.sql("select coalesce(sum(used), 0) from credit_key_day_usage"
                        + " where api_key_id = ? and usage_day >= ? and usage_day < ?")
                .params(apiKeyId, utcDay(from), utcDay(to))
                .query(Long.class)
                .single();
    }

    /**
     * Keeps {@code credit_key_day_usage} equal to the sum of {@link ReservationRecord#keyUsage()} over the key's
     * reservations made that day: called with a reservation's change of it by {@link #insert} and {@link #settle}, the
     * only writes of those columns, in their transaction and under the workspace's lock (a key belongs to one
     * workspace, so the read-then-write cannot race).
     */
    private void addKeyUsage(String apiKeyId, Instant madeAt, long change) {
        if (apiKeyId == null || change == 0) {
            return;
        }
        LocalDate day = LocalDate.ofInstant(madeAt, ZoneOffset.UTC);
        int updated = jdbc.sql("update credit_key_day_usage set used = used + ? where api_key_id = ? and usage_day = ?")
                .params(change, apiKeyId, day)
                .update();
        if (updated == 0) {
            jdbc.sql("insert into credit_key_day_usage (api_key_id, usage_day, used) values (?, ?, ?)")
                    .params(apiKeyId, day, change)
                    .update();
        }
    }

    private static LocalDate utcDay(Instant midnight) {
        LocalDate day = LocalDate.ofInstant(midnight, ZoneOffset.UTC);
        if (!day.atStartOfDay(ZoneOffset.UTC).toInstant().equals(midnight)) {
            throw new IllegalArgumentException("not a UTC midnight: " + midnight);
        }
        return day;
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
