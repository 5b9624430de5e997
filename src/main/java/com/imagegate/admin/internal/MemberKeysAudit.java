package com.imagegate.admin.internal;

import com.imagegate.Ids;
import com.imagegate.account.AccountAdmin;
import com.imagegate.apikey.MemberKeysRevoked;
import java.time.Clock;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Writes to the audit log the API keys revoked because their creator left or was removed from a team workspace, in the
 * removing transaction (no revocation without its entry). The entry's actor is whoever removed the member — a
 * workspace owner or admin, or the member themselves — not a platform admin.
 */
@Component
class MemberKeysAudit {

    static final String ACTION = "apikey.revoke_removed_member";

    private final AuditLog audit;
    private final AccountAdmin accounts;
    private final Clock clock;

    MemberKeysAudit(AuditLog audit, AccountAdmin accounts, Clock clock) {
        this.audit = audit;
        this.accounts = accounts;
        this.clock = clock;
    }

    @EventListener
    void on(MemberKeysRevoked revoked) {
        if (revoked.keyIds().isEmpty()) {
            return;
        }
        String actorEmail = accounts.user(revoked.actorUserId())
                .map(AccountAdmin.UserRecord::email)
                .orElse("unknown");
        boolean left = revoked.actorUserId().equals(revoked.memberUserId());
        audit.append(new AuditEntry(
                Ids.next("aud"),
                clock.instant(),
                revoked.actorUserId(),
                actorEmail,
                ACTION,
                "user",
                revoked.memberUserId(),
                revoked.workspaceId(),
                "member with " + revoked.keyIds().size() + " live key(s)",
                "removed; revoked " + String.join(", ", revoked.keyIds()),
                left ? "The member left the workspace." : "The member was removed from the workspace.",
                null));
    }
}
