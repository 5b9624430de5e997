package com.imagegate.admin.internal;

import static com.imagegate.admin.internal.AdminAudit.requireReason;

import com.imagegate.account.Member;
import com.imagegate.generation.ContentPolicy;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An admin's content-policy decisions: unpausing a paused workspace (which clears its strikes) or keeping it paused,
 * and editing the prompt denylist. Each runs in one transaction with its audit entry; refusals are {@link
 * AdminException}s that change nothing.
 */
@Service
class ContentPolicyActions {

    private final AdminAudit audit;
    private final ContentPolicy policy;

    ContentPolicyActions(AdminAudit audit, ContentPolicy policy) {
        this.audit = audit;
        this.policy = policy;
    }

    @Transactional
    void unpause(Member admin, String workspaceId, String reason) {
        String why = requireReason(reason);
        if (!policy.unpause(workspaceId, admin.email(), why)) {
            throw new AdminException("That workspace is not paused.");
        }
        audit.record(admin, "content.unpause", "workspace", workspaceId, workspaceId, "paused", "active", why, null);
    }

    @Transactional
    void keepPaused(Member admin, String workspaceId, String reason) {
        String why = requireReason(reason);
        if (!policy.keepPaused(workspaceId, admin.email(), why)) {
            throw new AdminException("That workspace is not paused.");
        }
        audit.record(
                admin,
                "content.keep_paused",
                "workspace",
                workspaceId,
                workspaceId,
                "paused",
                "paused (reviewed)",
                why,
                null);
    }

    @Transactional
    String deny(Member admin, String phrase, String reason) {
        String why = requireReason(reason);
        ContentPolicy.DeniedPhrase entry;
        try {
            entry = policy.deny(phrase, admin.email());
        } catch (IllegalArgumentException refused) {
            throw new AdminException(refused.getMessage());
        }
        audit.record(admin, "denylist.add", "denylist", entry.id(), null, null, entry.phrase(), why, null);
        return entry.phrase();
    }

    @Transactional
    String allow(Member admin, String id, String reason) {
        String why = requireReason(reason);
        var removed = policy.allow(id).orElseThrow(() -> new AdminException("That phrase is not on the denylist."));
        audit.record(admin, "denylist.remove", "denylist", id, null, removed.phrase(), null, why, null);
        return removed.phrase();
    }
}
