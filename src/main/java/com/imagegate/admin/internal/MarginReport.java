package com.imagegate.admin.internal;

import com.imagegate.billing.Billing;
import com.imagegate.billing.MoneyMovement;
import com.imagegate.billing.Plans;
import com.imagegate.credits.EntryKind;
import com.imagegate.credits.LedgerReports;
import com.imagegate.generation.Micros;
import com.imagegate.generation.UpstreamChannels;
import com.imagegate.generation.UpstreamCost;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * The margin page's figures over UTC days {@code from} to {@code to} (inclusive), each read from its owner through its
 * public query API: money from billing ({@link Billing#moneyMovements}), credits from the ledger ({@link
 * LedgerReports}), upstream cost from generation's recorded calls ({@link UpstreamChannels#costs}). Money is in
 * micro-units of the operator's cost currency; revenue in other currencies is listed apart and left out of the margin
 * (docs/operations.md, "Money pages").
 */
@Service
class MarginReport {

    /** How many workspaces the "top workspaces" table lists. */
    static final int TOP_WORKSPACES = 20;

    private final Billing billing;
    private final LedgerReports ledger;
    private final ObjectProvider<UpstreamChannels> channels;
    private final Plans plans;

    MarginReport(Billing billing, LedgerReports ledger, ObjectProvider<UpstreamChannels> channels, Plans plans) {
        this.billing = billing;
        this.ledger = ledger;
        this.channels = channels;
        this.plans = plans;
    }

    /** One row of figures (a day, a channel, a plan, a workspace or the total). Money in micro-units. */
    static final class Figures {
        final String key;
        long payments;
        long paid;
        long refunded;
        long disputed;
        long creditsSold;
        long creditsFree;
        long creditsSpent;
        long creditsExpired;
        long calls;
        long billedImages;
        long cost;

        Figures(String key) {
            this.key = key;
        }

        public String getKey() {
            return key;
        }

        public long getPayments() {
            return payments;
        }

        public long getPaid() {
            return paid;
        }

        public long getRefunded() {
            return refunded;
        }

        public long getDisputed() {
            return disputed;
        }

        /** Payments minus refunds and disputes. */
        public long getRevenue() {
            return paid - refunded - disputed;
        }

        public long getCreditsSold() {
            return creditsSold;
        }

        public long getCreditsFree() {
            return creditsFree;
        }

        public long getCreditsSpent() {
            return creditsSpent;
        }

        public long getCreditsExpired() {
            return creditsExpired;
        }

        public long getCalls() {
            return calls;
        }

        public long getBilledImages() {
            return billedImages;
        }

        public long getCost() {
            return cost;
        }

        /** Net revenue minus upstream cost. */
        public long getMargin() {
            return getRevenue() - cost;
        }

        public String money(long micros) {
            return (micros < 0 ? "-" : "") + Micros.format(Math.abs(micros));
        }
    }

    /**
     * @param currency the cost currency, which the money figures are in
     * @param otherCurrencies net revenue (in the currency's smallest unit) per other currency, not in the margin
     * @param excludedCalls calls recorded in another cost currency (not in the cost)
     */
    record Report(
            LocalDate from,
            LocalDate to,
            String currency,
            Figures total,
            List<Figures> days,
            List<Figures> channels,
            List<Figures> plans,
            List<Figures> workspaces,
            Map<String, Long> otherCurrencies,
            long excludedCalls) {}

    Report report(LocalDate from, LocalDate to) {
        Instant start = from.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        UpstreamChannels upstream = channels.getIfAvailable();
        String currency = upstream == null ? "USD" : upstream.costCurrency();

        Figures total = new Figures("total");
        Map<LocalDate, Figures> days = new TreeMap<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            days.put(d, new Figures(d.toString()));
        }
        Map<String, Figures> byChannel = new TreeMap<>();
        Map<String, Figures> byWorkspace = new HashMap<>();
        Map<String, String> planOf = new HashMap<>();
        Function<String, String> plan =
                ws -> planOf.computeIfAbsent(ws, id -> plans.current(id).id());
        Map<String, Figures> byPlan = new TreeMap<>();
        Map<String, Long> otherCurrencies = new TreeMap<>();

        for (MoneyMovement move : billing.moneyMovements(start, end)) {
            String moveCurrency = move.currency().toUpperCase(Locale.ROOT);
            if (!moveCurrency.equals(currency)) {
                otherCurrencies.merge(moveCurrency, move.signedCents(), Long::sum);
                continue;
            }
            long micros = toMicros(move.amountCents(), currency);
            LocalDate day = LocalDate.ofInstant(move.at(), ZoneOffset.UTC);
            for (Figures f : List.of(
                    total,
                    days.get(day),
                    byWorkspace.computeIfAbsent(move.workspaceId(), Figures::new),
                    byPlan.computeIfAbsent(plan.apply(move.workspaceId()), Figures::new))) {
                switch (move.kind()) {
                    case PAYMENT -> {
                        f.payments++;
                        f.paid += micros;
                    }
                    case REFUND -> f.refunded += micros;
                    case DISPUTE -> f.disputed += micros;
                }
            }
        }

        for (LedgerReports.DailyTotal row : ledger.daily(from, to)) {
            for (Figures f : List.of(total, days.get(row.day()))) {
                addCredits(f, row.kind(), row.credits(), row.held());
            }
        }
        for (LedgerReports.WorkspaceSpend spend : ledger.topSpenders(start, end, Integer.MAX_VALUE)) {
            byWorkspace.computeIfAbsent(spend.workspaceId(), Figures::new).creditsSpent += spend.credits();
            byPlan.computeIfAbsent(plan.apply(spend.workspaceId()), Figures::new).creditsSpent += spend.credits();
        }

        long excludedCalls = 0;
        if (upstream != null) {
            for (UpstreamCost cost : upstream.costs(start, end)) {
                if (!cost.currency().equals(currency)) {
                    excludedCalls += cost.calls();
                    continue;
                }
                for (Figures f : List.of(
                        total,
                        days.get(cost.day()),
                        byChannel.computeIfAbsent(cost.channel(), Figures::new),
                        byWorkspace.computeIfAbsent(cost.workspaceId(), Figures::new),
                        byPlan.computeIfAbsent(plan.apply(cost.workspaceId()), Figures::new))) {
                    f.calls += cost.calls();
                    f.billedImages += cost.billedImages();
                    f.cost += cost.costMicros();
                }
            }
        }

        List<Figures> top = byWorkspace.values().stream()
                .sorted(Comparator.comparingLong(Figures::getRevenue)
                        .reversed()
                        .thenComparing(
                                Comparator.comparingLong(Figures::getCost).reversed())
                        .thenComparing(Figures::getKey))
                .limit(TOP_WORKSPACES)
                .toList();
        return new Report(
                from,
                to,
                currency,
                total,
                List.copyOf(days.values()),
                List.copyOf(byChannel.values()),
                List.copyOf(byPlan.values()),
                top,
                new LinkedHashMap<>(otherCurrencies),
                excludedCalls);
    }

    /**
     * Credits sold: packs and plan allowances ({@code PURCHASE}, {@code PLAN_ALLOWANCE}); granted free: sign-up and
     * admin grants ({@code GRANT}); spent: captures; expired: expiries and plan-change write-offs.
     */
    private static void addCredits(Figures f, EntryKind kind, long credits, long held) {
        switch (kind) {
            case PURCHASE, PLAN_ALLOWANCE -> f.creditsSold += credits;
            case GRANT -> f.creditsFree += credits;
            case CAPTURE -> f.creditsSpent += -held;
            case EXPIRY, PLAN_CHANGE -> f.creditsExpired += -credits;
            default -> {}
        }
    }

    /** An amount in the currency's smallest unit as micro-units (exact: 1 cent of USD = 10,000 micros). */
    static long toMicros(long minorUnits, String currency) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException unknown) {
            digits = 2;
        }
        return Math.multiplyExact(minorUnits, (long) Math.pow(10, 6 - Math.min(6, digits)));
    }

    /** The daily bars of the chart: net revenue and upstream cost per day, scaled to the tallest. */
    record Bar(String day, double x, double revenueHeight, double costHeight, String title) {}

    static List<Bar> bars(Report report, double width, double height) {
        List<Figures> days = report.days();
        long tallest = 1;
        for (Figures d : days) {
            tallest = Math.max(tallest, Math.max(Math.max(0, d.getRevenue()), d.getCost()));
        }
        double slot = width / Math.max(1, days.size());
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            Figures d = days.get(i);
            bars.add(new Bar(
                    d.getKey(),
                    i * slot,
                    height * Math.max(0, d.getRevenue()) / tallest,
                    height * d.getCost() / tallest,
                    d.getKey() + ": revenue " + d.money(d.getRevenue()) + ", upstream cost " + d.money(d.getCost())
                            + " " + report.currency()));
        }
        return bars;
    }
}
