package com.imagegate.admin.internal;

import static com.imagegate.admin.internal.AdminAudit.WHEN;
import static com.imagegate.admin.internal.AdminAudit.actor;
import static com.imagegate.admin.internal.AdminAudit.requireReason;

import com.imagegate.account.AccountAdmin;
import com.imagegate.account.Member;
import com.imagegate.billing.Billing;
import com.imagegate.billing.BillingFlag;
import com.imagegate.credits.Adjust;
import com.imagegate.credits.Credits;
import com.imagegate.credits.CreditsRefunded;
import com.imagegate.credits.EntryKind;
import com.imagegate.credits.Grant;
import com.imagegate.credits.InsufficientCreditsException;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.credits.LedgerReports;
import com.imagegate.credits.LotSource;
import com.imagegate.generation.TaskAdmin;
import com.imagegate.generation.TaskStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An admin's changes to a workspace's credits and billing: grants, adjustments, refunds of a task, and resolving a
 * billing flag. Each runs in one transaction with its audit entry ({@link AdminAudit}); refusals are
 * {@link AdminException}s that change nothing.
 */
@Service
class CreditActions {

    static final long MAX_CREDITS = 100_000_000L;

    private final AdminAudit audit;
    private final AccountAdmin accounts;
    private final Credits credits;
    private final LedgerReports ledger;
    private final TaskAdmin tasks;
    private final Billing billing;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    CreditActions(
            AdminAudit audit,
            AccountAdmin accounts,
            Credits credits,
            LedgerReports ledger,
            TaskAdmin tasks,
            Billing billing,
            ApplicationEventPublisher events,
            Clock clock) {
        this.audit = audit;
        this.accounts = accounts;
        this.credits = credits;
        this.ledger = ledger;
        this.tasks = tasks;
        this.billing = billing;
        this.events = events;
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
        audit.record(
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
        audit.record(
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
     * task was never charged (its reservation was released when it ended), so there is nothing to refund. Publishes
     * credits' {@link CreditsRefunded} inside the transaction.
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
            audit.record(
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
        // In this transaction: the webhook module records its credits.refunded deliveries with the refund, or not.
        events.publishEvent(new CreditsRefunded(task.workspaceId(), taskId, captured, entry.id(), entry.createdAt()));
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
    void resolveFlag(Member admin, String flagId, String reason) {
        String why = requireReason(reason);
        BillingFlag flag = billing.resolveFlag(flagId)
                .orElseThrow(() -> new AdminException("There is no open billing flag " + flagId + "."));
        audit.record(
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

    private static String token(String token) {
        if (token == null || !token.matches("adm_[0-9A-Za-z]{8,36}")) {
            throw new AdminException("The form expired; reload the page and submit again.");
        }
        return token;
    }
}
