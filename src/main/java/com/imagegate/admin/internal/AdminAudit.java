package com.imagegate.admin.internal;

import com.imagegate.Ids;
import com.imagegate.account.Member;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;

/**
 * What every admin action shares: its entry in the {@link AuditLog} (who, when, what, before and after, why), written
 * inside the action's own transaction so the change and its record commit together or not at all, and the checks of
 * the reason every action asks for. Public for the admin module's own sub-packages (the JobRunr dashboard bridge).
 */
@Component
public class AdminAudit {

    static final int MAX_REASON = 500;
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private final AuditLog log;
    private final Clock clock;

    AdminAudit(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** Appends the admin's entry, in the caller's transaction. */
    public void record(
            Member admin,
            String action,
            String targetType,
            String targetId,
            String workspaceId,
            String before,
            String after,
            String reason,
            String reference) {
        log.append(new AuditEntry(
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

    static String actor(Member admin) {
        return "admin:" + admin.userId();
    }
}
