package com.imagegate.admin.internal;

import static com.imagegate.admin.internal.AdminAudit.requireReason;

import com.imagegate.account.AccountAdmin;
import com.imagegate.account.Member;
import com.imagegate.billing.CustomTerms;
import com.imagegate.billing.WorkspaceOverrides;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An admin's custom terms for a workspace (billing's {@link WorkspaceOverrides}): requests per minute, concurrent
 * tasks and a price multiplier, or clearing them back to the plan's defaults. Each change runs in one transaction with
 * its audit entry (who, the terms before and after, why); a refusal ({@link AdminException}) changes nothing and
 * writes nothing.
 */
@Service
class OverrideActions {

    static final String SET = "workspace.override";
    static final String CLEAR = "workspace.override_clear";

    private final AdminAudit audit;
    private final AccountAdmin accounts;
    private final WorkspaceOverrides overrides;

    OverrideActions(AdminAudit audit, AccountAdmin accounts, WorkspaceOverrides overrides) {
        this.audit = audit;
        this.accounts = accounts;
        this.overrides = overrides;
    }

    /** Replaces the workspace's custom terms with what the admin typed (a blank field follows the plan). */
    @Transactional
    CustomTerms set(
            Member admin,
            String workspaceId,
            String requestsPerMinute,
            String concurrentTasks,
            String priceMultiplier,
            String reason) {
        String why = requireReason(reason);
        CustomTerms terms;
        try {
            terms = CustomTerms.parse(requestsPerMinute, concurrentTasks, priceMultiplier);
        } catch (CustomTerms.InvalidTerms invalid) {
            throw new AdminException(invalid.getMessage());
        }
        return change(admin, workspaceId, terms, terms.isEmpty() ? CLEAR : SET, why);
    }

    /** Clears the workspace's custom terms: its plan's limits and list prices apply again. */
    @Transactional
    CustomTerms clear(Member admin, String workspaceId, String reason) {
        return change(admin, workspaceId, CustomTerms.NONE, CLEAR, requireReason(reason));
    }

    private CustomTerms change(Member admin, String workspaceId, CustomTerms terms, String action, String why) {
        if (accounts.workspaceRecord(workspaceId).isEmpty()) {
            throw new AdminException("There is no workspace " + workspaceId + ".");
        }
        CustomTerms before = overrides.set(workspaceId, terms, AdminAudit.actor(admin));
        if (before.equals(terms)) {
            // Rolls back the (identical) write: nothing changed, so nothing is recorded.
            throw new AdminException(
                    terms.isEmpty()
                            ? "This workspace has no custom terms: its plan's limits and list prices apply."
                            : "These are already this workspace's custom terms.");
        }
        audit.record(
                admin, action, "workspace", workspaceId, workspaceId, before.describe(), terms.describe(), why, null);
        return terms;
    }
}
