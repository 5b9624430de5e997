package com.imagegate.credits.internal;

import com.imagegate.credits.IntegrityReport;
import com.imagegate.credits.IntegrityReport.Discrepancy;
import com.imagegate.credits.IntegrityReport.StaleReservation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Recomputes the ledger from its entries, in one repeatable-read snapshot so concurrent writes cannot make a correct
 * ledger look wrong: the account totals, the lot totals and every entry's allocations must equal the sums of the
 * entries; no total may be negative; open reservations must add up to what the accounts hold reserved.
 */
@Component
class IntegrityCheck {

    static final int MAX_LISTED = 1000;

    private final JdbcClient jdbc;
    private final TransactionTemplate snapshot;

    IntegrityCheck(JdbcClient jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.snapshot = new TransactionTemplate(transactionManager);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
        this.snapshot.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    IntegrityReport run(Instant now, Duration staleAfter) {
        return snapshot.execute(status -> {
            List<Discrepancy> found = new ArrayList<>();
            int workspaces = checkAccounts(found);
            checkEntriesWithoutAccount(found);
            checkLots(found);
            checkAllocations(found);
            checkHeldReservations(found);
            checkKeyDayUsage(found);
            List<StaleReservation> stale = jdbc.sql("select reference, workspace_id, credits, created_at"
                            + " from credit_reservation where state = 'HELD' and created_at < ?"
                            + " order by created_at limit ?")
                    .params(DbTime.param(now.minus(staleAfter)), MAX_LISTED)
                    .query((rs, row) -> new StaleReservation(
                            rs.getString("reference"),
                            rs.getString("workspace_id"),
                            rs.getLong("credits"),
                            DbTime.read(rs, "created_at")))
                    .list();
            List<Discrepancy> listed = found.size() > MAX_LISTED ? found.subList(0, MAX_LISTED) : found;
            return new IntegrityReport(now, workspaces, found.isEmpty(), listed, staleAfter, stale);
        });
    }

    /** Each account's cached totals against the sums of its entries; nothing negative. */
    private int checkAccounts(List<Discrepancy> found) {
        int[] count = {0};
        jdbc.sql("select a.workspace_id, a.spendable, a.reserved, coalesce(e.amount, 0) as entry_amount,"
                        + " coalesce(e.held, 0) as entry_held from credit_account a left join"
                        + " (select workspace_id, sum(amount) as amount, sum(held) as held from credit_entry"
                        + " group by workspace_id) e on e.workspace_id = a.workspace_id")
                .query(rs -> {
                    count[0]++;
                    String workspace = rs.getString("workspace_id");
                    long spendable = rs.getLong("spendable");
                    long reserved = rs.getLong("reserved");
                    compare(found, workspace, "account", "spendable", spendable, rs.getLong("entry_amount"));
                    compare(found, workspace, "account", "reserved", reserved, rs.getLong("entry_held"));
                    notNegative(found, workspace, "account", "spendable", spendable);
                    notNegative(found, workspace, "account", "reserved", reserved);
                });
        return count[0];
    }

    private void checkEntriesWithoutAccount(List<Discrepancy> found) {
        jdbc.sql("select workspace_id, sum(amount) as amount from credit_entry e where not exists"
                        + " (select 1 from credit_account a where a.workspace_id = e.workspace_id)"
                        + " group by workspace_id")
                .query(rs -> {
                    found.add(new Discrepancy(
                            rs.getString("workspace_id"), "account", "missing", 0, rs.getLong("amount")));
                });
    }

    /** Each lot's totals against the sums of its allocations; nothing negative or more than was granted. */
    private void checkLots(List<Discrepancy> found) {
        jdbc.sql("select l.id, l.workspace_id, l.granted, l.available, l.held, coalesce(s.amount, 0) as alloc_amount,"
                        + " coalesce(s.held, 0) as alloc_held from credit_lot l left join"
                        + " (select lot_id, sum(amount) as amount, sum(held) as held from credit_allocation"
                        + " group by lot_id) s on s.lot_id = l.id")
                .query(rs -> {
                    String workspace = rs.getString("workspace_id");
                    String subject = "lot " + rs.getString("id");
                    long available = rs.getLong("available");
                    long held = rs.getLong("held");
                    long granted = rs.getLong("granted");
                    compare(found, workspace, subject, "available", available, rs.getLong("alloc_amount"));
                    compare(found, workspace, subject, "reserved", held, rs.getLong("alloc_held"));
                    notNegative(found, workspace, subject, "available", available);
                    notNegative(found, workspace, subject, "reserved", held);
                    if (available + held > granted) {
                        found.add(new Discrepancy(workspace, subject, "available+reserved", available + held, granted));
                    }
                });
    }

    /** Each entry against its allocations, and allocations only to lots of the entry's workspace. */
    private void checkAllocations(List<Discrepancy> found) {
        jdbc.sql("select e.id, e.workspace_id, e.amount, e.held, coalesce(s.amount, 0) as alloc_amount,"
                        + " coalesce(s.held, 0) as alloc_held from credit_entry e left join"
                        + " (select entry_id, sum(amount) as amount, sum(held) as held from credit_allocation"
                        + " group by entry_id) s on s.entry_id = e.id"
                        + " where e.amount <> coalesce(s.amount, 0) or e.held <> coalesce(s.held, 0)")
                .query(rs -> {
                    String workspace = rs.getString("workspace_id");
                    String subject = "entry " + rs.getString("id");
                    compare(found, workspace, subject, "amount", rs.getLong("amount"), rs.getLong("alloc_amount"));
                    compare(found, workspace, subject, "held", rs.getLong("held"), rs.getLong("alloc_held"));
                });
        jdbc.sql("select e.id, e.workspace_id from credit_allocation a join credit_entry e on e.id = a.entry_id"
                        + " join credit_lot l on l.id = a.lot_id where l.workspace_id <> e.workspace_id")
                .query(rs -> {
                    found.add(new Discrepancy(
                            rs.getString("workspace_id"),
                            "entry " + rs.getString("id"),
                            "lot of another workspace",
                            1,
                            0));
                });
    }

    /** What open reservations hold must be what the accounts hold reserved. */
    private void checkHeldReservations(List<Discrepancy> found) {
        jdbc.sql("select a.workspace_id, a.reserved, coalesce(r.credits, 0) as open_credits from credit_account a"
                        + " left join (select workspace_id, sum(credits) as credits from credit_reservation"
                        + " where state = 'HELD' group by workspace_id) r on r.workspace_id = a.workspace_id"
                        + " where a.reserved <> coalesce(r.credits, 0)")
                .query(rs -> {
                    found.add(new Discrepancy(
                            rs.getString("workspace_id"),
                            "reservations",
                            "held",
                            rs.getLong("reserved"),
                            rs.getLong("open_credits")));
                });
    }

    /**
     * The keys' running totals per UTC day (what their budget checks read) against the reservations they sum; a row
     * without reservations that day must be 0.
     */
    private void checkKeyDayUsage(List<Discrepancy> found) {
        jdbc.sql("select r.api_key_id, r.workspace_id, r.usage_day, coalesce(u.used, 0) as recorded, r.used as expected"
                        + " from (select api_key_id, min(workspace_id) as workspace_id,"
                        + " cast(created_at as date) as usage_day,"
                        + " sum(case state when 'HELD' then credits when 'CAPTURED' then captured else 0 end) as used"
                        + " from credit_reservation where api_key_id is not null"
                        + " group by api_key_id, cast(created_at as date)) r"
                        + " left join credit_key_day_usage u on u.api_key_id = r.api_key_id and u.usage_day = r.usage_day"
                        + " where coalesce(u.used, 0) <> r.used"
                        + " union all"
                        + " select u.api_key_id, (select min(k.workspace_id) from credit_reservation k"
                        + " where k.api_key_id = u.api_key_id), u.usage_day, u.used, 0 from credit_key_day_usage u"
                        + " where u.used <> 0 and not exists (select 1 from credit_reservation r"
                        + " where r.api_key_id = u.api_key_id and cast(r.created_at as date) = u.usage_day)")
                .query(rs -> {
                    found.add(new Discrepancy(
                            rs.getString(2),
                            "key " + rs.getString(1) + " on " + rs.getObject(3, java.time.LocalDate.class),
                            "budget used",
                            rs.getLong(4),
                            rs.getLong(5)));
                });
    }

    private static void compare(
            List<Discrepancy> found, String workspace, String subject, String field, long recorded, long expected) {
        if (recorded != expected) {
            found.add(new Discrepancy(workspace, subject, field, recorded, expected));
        }
    }

    private static void notNegative(
            List<Discrepancy> found, String workspace, String subject, String field, long value) {
        if (value < 0) {
            found.add(new Discrepancy(workspace, subject, field + " negative", value, 0));
        }
    }
}
