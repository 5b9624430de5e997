package com.imagegate.admin.internal;

import com.imagegate.Ids;
import com.imagegate.credits.IntegrityReport;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The ledger integrity checks admins ran, so the health page shows the last result on every node. */
@Repository
class IntegrityRuns {

    private final JdbcClient jdbc;

    IntegrityRuns(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void save(IntegrityReport report, String runBy) {
        String summary = report.discrepancies().stream()
                .limit(20)
                .map(d -> d.workspaceId() + " " + d.subject() + " " + d.field() + ": recorded " + d.recorded()
                        + ", expected " + d.expected())
                .collect(Collectors.joining("\n"));
        String stale = report.staleReservations().stream()
                .limit(20)
                .map(s -> "stale reservation " + s.reference() + " (" + s.credits() + " credits, since " + s.createdAt()
                        + ")")
                .collect(Collectors.joining("\n"));
        String text = (summary + (summary.isEmpty() || stale.isEmpty() ? "" : "\n") + stale);
        jdbc.sql("insert into admin_integrity_runs (id, checked_at, run_by, workspaces, consistent, discrepancies,"
                        + " stale_reservations, summary) values (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        Ids.next("chk"),
                        LocalDateTime.ofInstant(report.checkedAt(), ZoneOffset.UTC),
                        runBy,
                        report.workspaces(),
                        report.consistent(),
                        report.discrepancies().size(),
                        report.staleReservations().size(),
                        text.length() > 4000 ? text.substring(0, 3999) + "…" : text)
                .update();
    }

    Optional<Run> last() {
        return jdbc.sql("select checked_at, run_by, workspaces, consistent, discrepancies, stale_reservations, summary"
                        + " from admin_integrity_runs order by checked_at desc, id desc limit 1")
                .query((rs, row) -> new Run(
                        rs.getObject("checked_at", LocalDateTime.class).toInstant(ZoneOffset.UTC),
                        rs.getString("run_by"),
                        rs.getInt("workspaces"),
                        rs.getBoolean("consistent"),
                        rs.getInt("discrepancies"),
                        rs.getInt("stale_reservations"),
                        rs.getString("summary")))
                .optional();
    }

    record Run(
            Instant checkedAt,
            String runBy,
            int workspaces,
            boolean consistent,
            int discrepancies,
            int staleReservations,
            String summary) {}
}
