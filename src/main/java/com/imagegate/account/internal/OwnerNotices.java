package com.imagegate.account.internal;

import com.imagegate.account.WorkspaceRole;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Mails a notice to every active owner of a workspace (deleted and disabled users skipped), for the alerts that
 * credits raise ({@link BalanceLowMail}, {@link KeyBudgetMail}). A mail that cannot be sent is logged, never thrown:
 * the alerts are sent after the commit of the request that raised them.
 */
@Component
class OwnerNotices {

    private static final Logger log = LoggerFactory.getLogger(OwnerNotices.class);

    private final Workspaces workspaces;
    private final Memberships memberships;
    private final Users users;
    private final Mailer mailer;
    private final AccountService accounts;

    OwnerNotices(Workspaces workspaces, Memberships memberships, Users users, Mailer mailer, AccountService accounts) {
        this.workspaces = workspaces;
        this.memberships = memberships;
        this.users = users;
        this.mailer = mailer;
        this.accounts = accounts;
    }

    /** A notice, given the workspace's name. */
    record Notice(String subject, String body) {}

    /**
     * Sends {@code notice} (made from the workspace's name) to the workspace's active owners; nothing when the
     * workspace is gone.
     */
    void send(String workspaceId, Function<String, Notice> notice) {
        var workspace = workspaces.findById(workspaceId);
        if (workspace.isEmpty()) {
            return;
        }
        Notice mail = notice.apply(workspace.get().summary().name());
        memberships.findByWorkspaceId(workspaceId).stream()
                .filter(m -> m.role() == WorkspaceRole.OWNER)
                .map(m -> users.findById(m.userId()))
                .flatMap(Optional::stream)
                .filter(u -> !u.deleted() && u.enabled())
                .forEach(owner -> {
                    try {
                        mailer.send(owner.email(), mail.subject(), mail.body());
                    } catch (RuntimeException e) {
                        log.warn(
                                "Could not mail \"{}\" for workspace {}: {}",
                                mail.subject(),
                                workspaceId,
                                e.toString());
                    }
                });
    }

    /** An absolute link to a page of the app. */
    String link(String path) {
        return accounts.link(path);
    }

    static String credits(long credits) {
        return String.format(Locale.ROOT, "%,d", credits);
    }
}
