package com.imagegate.credits.internal;

import com.imagegate.credits.EntryKind;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.credits.LedgerReports;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Sums over {@code credit_entry} for the admin console; reads only. */
@Service
class LedgerReportService implements LedgerReports {

    private final CreditEntries entries;
    private final JdbcClient jdbc;

    LedgerReportService(CreditEntries entries, JdbcClient jdbc) {
        this.entries = entries;
        this.jdbc = jdbc;
    }

    @Override
    public Optional<LedgerEntry> entry(String reference) {
        return reference == null || reference.isBlank() ? Optional.empty() : entries.byReference(reference);
    }

    @Override
    public List<LedgerEntry> entriesOfReservation(String reservationReference) {
        return entries.ofReservation(reservationReference);
    }

    @Override
    public Map<EntryKind, KindTotal> totals(Instant from, Instant to) {
        Map<EntryKind, KindTotal> totals = new EnumMap<>(EntryKind.class);
        jdbc.sql("select kind, sum(amount) as credits, sum(held) as held, count(*) as entries from credit_entry"
                        + " where created_at >= ? and created_at < ? group by kind")
                .params(DbTime.param(from), DbTime.param(to))
                .query((RowCallbackHandler) rs -> totals.put(
                        EntryKind.valueOf(rs.getString("kind")),
                        new KindTotal(rs.getLong("credits"), rs.getLong("held"), rs.getLong("entries"))));
        return totals;
    }

    @Override
    public List<DailyTotal> daily(LocalDate from, LocalDate to) {
        return jdbc.sql("select cast(created_at as date) as usage_day, kind, sum(amount) as credits, sum(held) as held"
                        + " from credit_entry where created_at >= ? and created_at < ?"
                        + " group by cast(created_at as date), kind order by usage_day, kind")
                .params(
                        DbTime.param(from.atStartOfDay(ZoneOffset.UTC).toInstant()),
                        DbTime.param(to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()))
                .query((rs, row) -> new DailyTotal(
                        rs.getObject("usage_day", LocalDate.class),
                        EntryKind.valueOf(rs.getString("kind")),
                        rs.getLong("credits"),
                        rs.getLong("held")))
                .list();
    }

    @Override
    public List<WorkspaceSpend> topSpenders(Instant from, Instant to, int limit) {
        return jdbc.sql("select workspace_id, -sum(held) as spent from credit_entry where kind = 'CAPTURE'"
                        + " and created_at >= ? and created_at < ? group by workspace_id"
                        + " order by spent desc, workspace_id limit ?")
                .params(DbTime.param(from), DbTime.param(to), Math.max(1, Math.min(limit, 100)))
                .query((rs, row) -> new WorkspaceSpend(rs.getString("workspace_id"), rs.getLong("spent")))
                .list();
    }
}
