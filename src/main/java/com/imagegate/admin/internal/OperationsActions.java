package com.imagegate.admin.internal;

import static com.imagegate.admin.internal.AdminAudit.requireReason;

import com.imagegate.account.Member;
import com.imagegate.credits.Credits;
import com.imagegate.credits.IntegrityReport;
import com.imagegate.generation.ChannelHealth;
import com.imagegate.generation.UpstreamChannels;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An admin's operations on the running service: the ledger's integrity check, and taking a provider channel out of (or
 * back into) service. (Changes made through JobRunr's dashboard are recorded by {@code jobrunr.JobRunrAudit}.) Each
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
}
