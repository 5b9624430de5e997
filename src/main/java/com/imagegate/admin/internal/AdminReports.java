package com.imagegate.admin.internal;

import com.imagegate.account.AccountAdmin;
import com.imagegate.billing.Billing;
import com.imagegate.credits.EntryKind;
import com.imagegate.credits.LedgerReports;
import com.imagegate.generation.TaskAdmin;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** The overview's figures, each read from its owner: the ledger for credits, tasks for usage, billing for money. */
@Service
class AdminReports {

    /** Entry kinds that bring credits in: sign-up and admin grants, packs, plan allowances. */
    static final Set<EntryKind> GRANTS = Set.of(EntryKind.GRANT, EntryKind.PURCHASE, EntryKind.PLAN_ALLOWANCE);

    private final LedgerReports ledger;
    private final TaskAdmin tasks;
    private final Billing billing;
    private final AccountAdmin accounts;
    private final Clock clock;

    AdminReports(LedgerReports ledger, TaskAdmin tasks, Billing billing, AccountAdmin accounts, Clock clock) {
        this.ledger = ledger;
        this.tasks = tasks;
        this.billing = billing;
        this.accounts = accounts;
        this.clock = clock;
    }

    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** Today, the last 7 and the last 30 days (UTC days, today included), up to now. */
    List<Period> periods() {
        LocalDate today = today();
        Instant now = clock.instant();
        return List.of(
                period("today", "Today", today, now),
                period("7d", "7 days", today.minusDays(6), now),
                period("30d", "30 days", today.minusDays(29), now));
    }

    private Period period(String key, String label, LocalDate firstDay, Instant now) {
        Instant from = firstDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = now.plusNanos(1000);
        Map<EntryKind, LedgerReports.KindTotal> kinds = ledger.totals(from, to);
        long spent = total(kinds, EntryKind.CAPTURE).captured();
        long granted = GRANTS.stream().mapToLong(k -> total(kinds, k).credits()).sum();
        long adjusted = total(kinds, EntryKind.ADJUSTMENT).credits();
        long expired = -total(kinds, EntryKind.EXPIRY).credits()
                - total(kinds, EntryKind.PLAN_CHANGE).credits();
        long clawedBack = -total(kinds, EntryKind.CLAWBACK).credits();
        TaskAdmin.Totals usage = tasks.totals(from, to);
        return new Period(
                key,
                label,
                firstDay,
                usage,
                spent,
                granted,
                adjusted,
                expired,
                clawedBack,
                billing.revenue(from, to),
                accounts.signups(from, to));
    }

    private static LedgerReports.KindTotal total(Map<EntryKind, LedgerReports.KindTotal> kinds, EntryKind kind) {
        return kinds.getOrDefault(kind, new LedgerReports.KindTotal(0, 0, 0));
    }

    /** Daily credits spent (captured, from the ledger) and failed tasks for the last 30 days, for chart.js. */
    String chart() {
        LocalDate to = today();
        LocalDate from = to.minusDays(29);
        Map<LocalDate, Long> spent = new HashMap<>();
        ledger.daily(from, to).stream()
                .filter(d -> d.kind() == EntryKind.CAPTURE)
                .forEach(d -> spent.merge(d.day(), -d.held(), Long::sum));
        Map<LocalDate, Long> failures = new HashMap<>();
        tasks.daily(from, to).forEach(d -> failures.put(d.day(), d.failures()));
        var json = JsonMapper.shared().createObjectNode();
        var days = json.putArray("days");
        var series = json.putArray("series");
        var credits = series.addObject().put("label", "Credits spent").putArray("values");
        var failed = series.addObject().put("label", "Failed tasks").putArray("values");
        from.datesUntil(to.plusDays(1)).forEach(day -> {
            days.add(day.toString());
            credits.add(spent.getOrDefault(day, 0L));
            failed.add(failures.getOrDefault(day, 0L));
        });
        return json.toString();
    }

    List<LedgerReports.WorkspaceSpend> topSpenders(int limit) {
        return ledger.topSpenders(
                today().minusDays(29).atStartOfDay(ZoneOffset.UTC).toInstant(),
                clock.instant().plusNanos(1000),
                limit);
    }

    /**
     * @param spent credits captured by tasks (from the ledger)
     * @param granted credits that came in by grants, purchases and plan allowances
     * @param adjusted the net of admin adjustments and refunds
     */
    record Period(
            String key,
            String label,
            LocalDate firstDay,
            TaskAdmin.Totals usage,
            long spent,
            long granted,
            long adjusted,
            long expired,
            long clawedBack,
            List<Billing.Revenue> revenue,
            long signups) {

        public String failureRatePercent() {
            return String.format(Locale.ROOT, "%.1f%%", usage.failureRate() * 100);
        }
    }
}
