package com.imagegate.admin.internal;

import static com.imagegate.admin.internal.AdminAudit.requireReason;

import com.imagegate.account.AccountAdmin;
import com.imagegate.account.AccountException;
import com.imagegate.account.Member;
import com.imagegate.account.Role;
import com.imagegate.apikey.ApiKeySummary;
import com.imagegate.apikey.ApiKeys;
import java.time.Clock;
import java.util.Locale;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An admin's changes to who may do what: suspending a workspace, a user's platform role, revoking a workspace's API
 * key. Each runs in one transaction with its audit entry ({@link AdminAudit}); refusals are {@link AdminException}s
 * that change nothing.
 */
@Service
class AccountActions {

    private final AdminAudit audit;
    private final AccountAdmin accounts;
    private final ApiKeys apiKeys;
    private final Clock clock;

    AccountActions(AdminAudit audit, AccountAdmin accounts, ApiKeys apiKeys, Clock clock) {
        this.audit = audit;
        this.accounts = accounts;
        this.apiKeys = apiKeys;
        this.clock = clock;
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
        audit.record(
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
        audit.record(
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
        audit.record(
                admin,
                "api_key.revoke",
                "api_key",
                keyId,
                workspaceId,
                key.prefix() + "… " + key.status(clock.instant()).name().toLowerCase(Locale.ROOT),
                "revoked",
                why,
                null);
    }
}
