package com.imagegate.admin.internal;

import com.imagegate.Ids;
import com.imagegate.account.AccountAdmin;
import com.imagegate.account.AccountException;
import com.imagegate.account.Member;
import com.imagegate.account.Role;
import com.imagegate.account.SignupPolicy;
import com.imagegate.apikey.ApiKeySummary;
import com.imagegate.apikey.ApiKeys;
import com.imagegate.billing.Billing;
import com.imagegate.billing.BillingFlag;
import com.imagegate.credits.Adjust;
import com.imagegate.credits.Credits;
import com.imagegate.credits.EntryKind;
import com.imagegate.credits.Grant;
import com.imagegate.credits.InsufficientCreditsException;
import com.imagegate.credits.IntegrityReport;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.credits.LedgerReports;
import com.imagegate.credits.LotSource;
import com.imagegate.generation.ChannelHealth;
import com.imagegate.generation.TaskAdmin;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.UpstreamChannels;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Every change an admin makes, each in one transaction with its audit entry: the change and its record commit
 * together or not at all. Refusals are {@link AdminException}s with a message for the admin; they change nothing.
 */
@Service
class AdminActions {

    static final long MAX_CREDITS = 100_000_000L;
    static final int MAX_REASON = 500;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private final AuditLog audit;
    private final AccountAdmin accounts;
    private final Credits credits;
    private final LedgerReports ledger;
    private final TaskAdmin tasks;
    private final ApiKeys apiKeys;
    private final Billing billing;
    private final IntegrityRuns integrityRuns;
    private final ObjectProvider<UpstreamChannels> channels;
    private final Clock clock;

    AdminActions(
            AuditLog audit,
            AccountAdmin accounts,
            Credits credits,
            LedgerReports ledger,
            TaskAdmin tasks,
            ApiKeys apiKeys,
            Billing billing,
            IntegrityRuns integrityRuns,
            ObjectProvider<UpstreamChannels> channels,
            Clock clock) {
        this.audit = audit;
        this.accounts = accounts;
        this.credits = credits;
        this.ledger = ledger;
        this.tasks = tasks;
        this.apiKeys = apiKeys;
        this.billing = billing;
        this.integrityRuns = integrityRuns;
        this.channels = channels;
        this.clock = clock;
    }

    /**
     * Grants a lot of credits that expires at the end of {@code expiresOn} (UTC), or never. The form's one-time token
     * makes a double submit grant once.
     */
    @Transactional
    LedgerEntry grant(Member admin, String workspaceId, long amount, LocalDate expiresOn, String reason, String token) {
        requireWorkspace(workspaceId);
        checkAmount(amount, false);
        String why = requireReason(reason);
        Instant expiresAt = null;
        if (expiresOn != null) {
            if (!expiresOn.isAfter(
                    LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1))) {
                throw new AdminException("The expiry date must be today or later.");
            }
            expiresAt = expiresOn.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        String reference = "admin-grant:" + token(token);
        Optional<LedgerEntry> done = ledger.entry(reference);
        if (done.isPresent()) {
            return done.get(); // the same form submitted twice: granted once
        }
        long before = credits.balance(workspaceId).spendable();
        LedgerEntry entry =
                credits.grant(new Grant(workspaceId, amount, LotSource.ADMIN, expiresAt, reference, actor(admin), why));
        record(
                admin,
                "credits.grant",
                "workspace",
                workspaceId,
                workspaceId,
                "spendable " + before,
                "spendable " + (before + amount) + "; granted " + amount
                        + (expiresAt == null
                                ? ", no expiry"
                                : ", expires " + WHEN.format(expiresAt.atZone(ZoneOffset.UTC)))
                        + "; entry " + entry.id(),
                why,
                reference);
        return entry;
    }

    /** Adds (positive) or takes (negative) credits, with a required reason; never below zero. */
    @Transactional
    LedgerEntry adjust(Member admin, String workspaceId, long amount, String reason, String token) {
        requireWorkspace(workspaceId);
        checkAmount(amount, true);
        String why = requireReason(reason);
        String reference = "admin-adjust:" + token(token);
        Optional<LedgerEntry> done = ledger.entry(reference);
        if (done.isPresent()) {
            return done.get();
        }
        long before = credits.balance(workspaceId).spendable();
        LedgerEntry entry;
        try {
            entry = credits.adjust(new Adjust(workspaceId, amount, reference, actor(admin), why));
        } catch (InsufficientCreditsException tooMuch) {
            throw new AdminException("The workspace has " + before + " spendable credits: taking " + -amount
                    + " would take it below zero. Take at most " + before + ".");
        }
        record(
                admin,
                "credits.adjust",
                "workspace",
                workspaceId,
                workspaceId,
                "spendable " + before,
                "spendable " + (before + amount) + "; adjusted " + (amount > 0 ? "+" : "") + amount + "; entry "
                        + entry.id(),
                why,
                reference);
        return entry;
    }

    /**
     * Gives back the credits a succeeded task was charged (a customer's complaint), once: the ledger reference
     * {@code refund:<task id>} and the audit log's unique reference both refuse a second refund. A failed or canceled
     * task was never charged (its reservation was released when it ended), so there is nothing to refund.
     */
    @Transactional
    LedgerEntry refund(Member admin, String taskId, String reason) {
        String why = requireReason(reason);
        TaskAdmin.TaskRecord task =
                tasks.find(taskId).orElseThrow(() -> new AdminException("There is no task " + taskId + "."));
        String reference = refundReference(taskId);
        Optional<LedgerEntry> earlier = ledger.entry(reference);
        if (earlier.isPresent()) {
            throw alreadyRefunded(earlier.get());
        }
        if (!task.status().isFinal()) {
            throw new AdminException("This task is still " + task.status().wireValue()
                    + ": its credits are only reserved. Wait until it ends (a failure releases them by itself).");
        }
        if (task.status() != TaskStatus.SUCCEEDED) {
            long released = ledger.entriesOfReservation(taskId).stream()
                    .filter(e -> e.kind() == EntryKind.RELEASE)
                    .mapToLong(LedgerEntry::credits)
                    .sum();
            throw new AdminException("This task " + task.status().wireValue() + " and was never charged: its "
                    + released + " reserved credits were released back to the workspace automatically"
                    + (task.finishedAt() == null
                            ? ""
                            : " on " + WHEN.format(task.finishedAt().atZone(ZoneOffset.UTC)))
                    + ". There is nothing to refund.");
        }
        long captured = task.creditsCaptured() == null ? 0 : task.creditsCaptured();
        if (captured <= 0) {
            throw new AdminException("This task was charged 0 credits (a test key or a free task): nothing to refund.");
        }
        LedgerEntry entry =
                credits.adjust(new Adjust(task.workspaceId(), captured, reference, actor(admin), "Refund: " + why));
        try {
            record(
                    admin,
                    "task.refund",
                    "task",
                    taskId,
                    task.workspaceId(),
                    "captured " + captured + ", not refunded",
                    "refunded " + captured + " credits; entry " + entry.id(),
                    why,
                    reference);
        } catch (DuplicateKeyException raced) {
            // Another admin refunded it at the same moment: this transaction rolls back and changes nothing.
            throw alreadyRefunded(ledger.entry(reference).orElse(entry));
        }
        return entry;
    }

    static String refundReference(String taskId) {
        return "refund:" + taskId;
    }

    private AdminException alreadyRefunded(LedgerEntry earlier) {
        return new AdminException("This task was already refunded: " + earlier.credits() + " credits on "
                + WHEN.format(earlier.createdAt().atZone(ZoneOffset.UTC)) + " by " + earlier.actor()
                + ". A task is refunded at most once.");
    }

    @Transactional
    void setSuspended(Member admin, String workspaceId, boolean suspended, String reason) {
        String why = requireReason(reason);
        boolean before;
        try {
            before = accounts.setSuspended(workspaceId, suspended);
        } catch (AccountException unknown) {
            throw new AdminException(unknown.getMessage());
        }
        if (before == suspended) {
            throw new AdminException(
                    suspended ? "This workspace is already suspended." : "This workspace is not suspended.");
        }
        record(
                admin,
                suspended ? "workspace.suspend" : "workspace.unsuspend",
                "workspace",
                workspaceId,
                workspaceId,
                before ? "suspended" : "active",
                suspended ? "suspended" : "active",
                why,
                null);
    }

    @Transactional
    void setRole(Member admin, String userId, Role role, String reason) {
        String why = requireReason(reason);
        Role before;
        try {
            before = accounts.setRole(userId, role);
        } catch (AccountException refused) {
            throw new AdminException(refused.getMessage());
        }
        if (before == role) {
            throw new AdminException("This user's platform role is already " + role + ".");
        }
        record(
                admin,
                role == Role.ADMIN ? "user.promote" : "user.demote",
                "user",
                userId,
                null,
                before.name(),
                role.name(),
                why,
                null);
    }

    @Transactional
    void revokeKey(Member admin, String workspaceId, String keyId, String reason) {
        String why = requireReason(reason);
        ApiKeySummary key = apiKeys.find(workspaceId, keyId)
                .orElseThrow(() -> new AdminException("This workspace has no key " + keyId + "."));
        if (key.revokedAt() != null) {
            throw new AdminException("This key is already revoked.");
        }
        apiKeys.revokeAsOperator(workspaceId, keyId, admin.userId());
        record(
                admin,
                "api_key.revoke",
                "api_key",
                keyId,
                workspaceId,
                key.prefix() + "… " + key.status(clock.instant()).name().toLowerCase(java.util.Locale.ROOT),
                "revoked",
                why,
                null);
    }

    @Transactional
    void resolveFlag(Member admin, String flagId, String reason) {
        String why = requireReason(reason);
        BillingFlag flag = billing.resolveFlag(flagId)
                .orElseThrow(() -> new AdminException("There is no open billing flag " + flagId + "."));
        record(
                admin,
                "billing.flag.resolve",
                "billing_flag",
                flagId,
                flag.workspaceId(),
                "open " + flag.reason() + " " + flag.reference(),
                "resolved",
                why,
                null);
    }

    @Transactional
    void updateSignupPolicy(Member admin, String maxPerIp, String domains, String reason) {
        String why = requireReason(reason);
        int max;
        try {
            max = Integer.parseInt(maxPerIp == null ? "" : maxPerIp.strip());
        } catch (NumberFormatException notANumber) {
            throw new AdminException("Sign-ups per address per day must be a whole number (0 for no limit).");
        }
        SignupPolicy policy;
        try {
            policy = new SignupPolicy(max, SignupPolicy.parseDomains(domains));
        } catch (AccountException invalid) {
            throw new AdminException(invalid.getMessage());
        }
        SignupPolicy before = accounts.signupPolicy();
        accounts.updateSignupPolicy(policy, admin.userId());
        record(
                admin,
                "signup_policy.update",
                "signup_policy",
                "signup_policy",
                null,
                describe(before),
                describe(policy),
                why,
                null);
    }

    /** Exempts a network from the per-network sign-up limit, audited; returns the network as stored. */
    @Transactional
    String allowSignupNetwork(Member admin, String addressOrPrefix, String reason) {
        String why = requireReason(reason);
        String network;
        try {
            network = accounts.allowSignupNetwork(addressOrPrefix, why, admin.userId());
        } catch (AccountException refused) {
            throw new AdminException(refused.getMessage());
        }
        record(admin, "signup_network.allow", "signup_network", network, null, "limited", "allowed", why, null);
        return network;
    }

    /** Ends a network's exemption from the per-network sign-up limit, audited; returns the network. */
    @Transactional
    String removeSignupAllowance(Member admin, String addressOrPrefix, String reason) {
        String why = requireReason(reason);
        String network;
        try {
            network = accounts.removeSignupAllowance(addressOrPrefix);
        } catch (AccountException refused) {
            throw new AdminException(refused.getMessage());
        }
        record(admin, "signup_network.remove", "signup_network", network, null, "allowed", "limited", why, null);
        return network;
    }

    /** Runs the ledger's integrity check now and keeps its result (the health page shows the last one). */
    @Transactional
    IntegrityReport checkLedger(Member admin) {
        IntegrityReport report = credits.integrityReport();
        integrityRuns.save(report, admin.userId());
        record(
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
        record(
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

    /**
     * Records a change made through JobRunr's dashboard, after JobRunr made it (its storage is not part of our
     * transaction): the call, its target, the target's state before and after.
     */
    @Transactional
    void recordJobRunrChange(Member admin, JobRunrCall call, String before, String after) {
        record(
                admin,
                call.action(),
                call.targetType(),
                call.targetId(),
                null,
                before,
                after,
                "JobRunr dashboard",
                null);
    }

    private void record(
            Member admin,
            String action,
            String targetType,
            String targetId,
            String workspaceId,
            String before,
            String after,
            String reason,
            String reference) {
        audit.append(new AuditEntry(
                Ids.next("aud"),
                clock.instant(),
                admin.userId(),
                admin.email(),
                action,
                targetType,
                targetId,
                workspaceId,
                before,
                after,
                reason,
                reference));
    }

    private void requireWorkspace(String workspaceId) {
        if (workspaceId == null || accounts.workspaceRecord(workspaceId).isEmpty()) {
            throw new AdminException("There is no workspace " + workspaceId + ".");
        }
    }

    private static void checkAmount(long amount, boolean signed) {
        if (amount == 0 || (!signed && amount < 0)) {
            throw new AdminException(
                    signed
                            ? "Enter a number of credits other than 0: positive adds, negative takes."
                            : "Enter a positive number of credits.");
        }
        if (Math.abs(amount) > MAX_CREDITS) {
            throw new AdminException("At most " + MAX_CREDITS + " credits at a time.");
        }
    }

    static String requireReason(String reason) {
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty()) {
            throw new AdminException("Give a reason: it goes into the audit log and the ledger.");
        }
        if (why.length() > MAX_REASON - 10) {
            throw new AdminException("Keep the reason under " + (MAX_REASON - 10) + " characters.");
        }
        if (why.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            throw new AdminException("The reason must not contain control characters.");
        }
        return why;
    }

    private static String token(String token) {
        if (token == null || !token.matches("adm_[0-9A-Za-z]{8,36}")) {
            throw new AdminException("The form expired; reload the page and submit again.");
        }
        return token;
    }

    private static String actor(Member admin) {
        return "admin:" + admin.userId();
    }

    private static String describe(SignupPolicy policy) {
        return "max " + policy.maxSignupsPerIpPerDay() + "/address/day; "
                + policy.deniedEmailDomains().size() + " denied domains: "
                + String.join(", ", policy.deniedEmailDomains());
    }
}
