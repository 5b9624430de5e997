package com.imagegate.admin.internal;

import static com.imagegate.admin.internal.AdminAudit.requireReason;

import com.imagegate.account.Member;
import com.imagegate.credits.Credits;
import com.imagegate.credits.IntegrityReport;
import com.imagegate.generation.ChannelHealth;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.Micros;
import com.imagegate.generation.Quality;
import com.imagegate.generation.UpstreamChannels;
import com.imagegate.generation.UpstreamChannels.PriceCell;
import com.imagegate.generation.UpstreamPrice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An admin's operations on the running service: the ledger's integrity check, taking a provider channel out of (or
 * back into) service, and a channel's price table (what its calls cost the operator). (Changes made through JobRunr's dashboard are recorded by {@code jobrunr.JobRunrAudit}.) Each
 * runs in one transaction with its audit entry ({@link AdminAudit}); refusals are {@link AdminException}s that change
 * nothing.
 */
@Service
class OperationsActions {

    private final AdminAudit audit;
    private final Credits credits;
    private final IntegrityRuns integrityRuns;
    private final ObjectProvider<UpstreamChannels> channels;

    OperationsActions(
            AdminAudit audit, Credits credits, IntegrityRuns integrityRuns, ObjectProvider<UpstreamChannels> channels) {
        this.audit = audit;
        this.credits = credits;
        this.integrityRuns = integrityRuns;
        this.channels = channels;
    }

    /** Runs the ledger's integrity check now and keeps its result (the health page shows the last one). */
    @Transactional
    IntegrityReport checkLedger(Member admin) {
        IntegrityReport report = credits.integrityReport();
        integrityRuns.save(report, admin.userId());
        audit.record(
                admin,
                "ledger.integrity_check",
                "ledger",
                "ledger",
                null,
                null,
                (report.consistent() ? "consistent" : report.discrepancies().size() + " discrepancies") + ", "
                        + report.workspaces() + " workspaces, "
                        + report.staleReservations().size()
                        + " stale reservations",
                null,
                null);
        return report;
    }

    @Transactional
    void setChannelEnabled(Member admin, String name, boolean enabled, String reason) {
        String why = requireReason(reason);
        UpstreamChannels provider = channels.getIfAvailable();
        if (provider == null) {
            throw new AdminException("Provider channels are not available in this version.");
        }
        ChannelHealth before = provider.channels().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AdminException("There is no channel " + name + "."));
        ChannelHealth after;
        try {
            after = provider.setEnabled(name, enabled);
        } catch (IllegalArgumentException unknown) {
            throw new AdminException("There is no channel " + name + ".");
        }
        audit.record(
                admin,
                enabled ? "channel.enable" : "channel.disable",
                "channel",
                name,
                null,
                before.state().name(),
                after.state().name(),
                why,
                null);
    }

    /** The form field of a price cell: {@code price.1024x1024.high}. */
    static String priceField(UpstreamPrice price) {
        return "price." + price.size().wireValue() + "." + price.quality().wireValue();
    }

    /**
     * Sets the cells of a channel's price table whose submitted value differs from the price in force; every cell is
     * checked first, so one bad value changes nothing. The audit entry lists the changed cells before and after.
     *
     * @param form the submitted fields ({@link #priceField}); a missing or blank cell keeps its price
     * @return how many prices changed
     */
    @Transactional
    int setChannelPrices(Member admin, String name, Map<String, String> form, String reason) {
        String why = requireReason(reason);
        UpstreamChannels provider = channels.getIfAvailable();
        if (provider == null) {
            throw new AdminException("Provider channels are not available in this version.");
        }
        List<UpstreamPrice> table;
        try {
            table = provider.prices(name);
        } catch (IllegalArgumentException unknown) {
            throw new AdminException("There is no channel " + name + ".");
        }
        Map<PriceCell, Long> changed = new LinkedHashMap<>();
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (UpstreamPrice price : table) {
            String submitted = form.get(priceField(price));
            if (submitted == null || submitted.isBlank()) {
                continue;
            }
            long micros;
            try {
                micros = Micros.parsePrice(submitted);
            } catch (IllegalArgumentException invalid) {
                throw new AdminException(cell(price.size(), price.quality()) + ": " + invalid.getMessage());
            }
            if (micros != price.micros()) {
                changed.put(new PriceCell(price.size(), price.quality()), micros);
                before.add(cell(price.size(), price.quality()) + " " + price.amount());
                after.add(cell(price.size(), price.quality()) + " " + Micros.format(micros));
            }
        }
        if (changed.isEmpty()) {
            throw new AdminException("No price changed.");
        }
        provider.setPrices(name, changed);
        String currency = provider.costCurrency();
        audit.record(
                admin,
                "channel.prices",
                "channel",
                name,
                null,
                currency + " " + String.join("; ", before),
                currency + " " + String.join("; ", after),
                why,
                null);
        return changed.size();
    }

    private static String cell(ImageSize size, Quality quality) {
        return size.wireValue() + "/" + quality.wireValue();
    }
}
