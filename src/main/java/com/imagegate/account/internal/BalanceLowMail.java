package com.imagegate.account.internal;

import com.imagegate.account.WorkspaceRole;
import com.imagegate.credits.BalanceLow;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Mails a workspace's owners when its balance falls below their low-balance threshold ({@link BalanceLow}, once per
 * crossing). After the commit only: a reservation that rolls back (a refused task, a quote) sends nothing, and the
 * ledger's "alert sent" mark commits with the crossing. A mail that cannot be sent is logged, never thrown at the
 * request whose reservation crossed the threshold (it committed already).
 */
@Component
class BalanceLowMail {

    private static final Logger log = LoggerFactory.getLogger(BalanceLowMail.class);

    private final Workspaces workspaces;
    private final Memberships memberships;
    private final Users users;
    private final Mailer mailer;
    private final AccountService accounts;

    BalanceLowMail(
            Workspaces workspaces, Memberships memberships, Users users, Mailer mailer, AccountService accounts) {
        this.workspaces = workspaces;
        this.memberships = memberships;
        this.users = users;
        this.mailer = mailer;
        this.accounts = accounts;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void on(BalanceLow low) {
        var workspace = workspaces.findById(low.workspaceId());
        if (workspace.isEmpty()) {
            return;
        }
        String name = workspace.get().summary().name();
        var owners = memberships.findByWorkspaceId(low.workspaceId()).stream()
                .filter(m -> m.role() == WorkspaceRole.OWNER)
                .map(m -> users.findById(m.userId()))
                .flatMap(java.util.Optional::stream)
                .filter(u -> !u.deleted() && u.enabled())
                .toList();
        for (User owner : owners) {
            try {
                mailer.send(
                        owner.email(),
                        "Low balance: " + credits(low.balance()) + " credits left in " + name,
                        "The credit balance of the workspace \"" + name + "\" on Imagegate is "
                                + credits(low.balance()) + " credits, below your alert threshold of "
                                + credits(low.threshold()) + ".\n\nBuy credits or change the alert here:\n"
                                + accounts.link("/app/billing")
                                + "\n\nYou get this once each time the balance falls below the threshold.");
            } catch (RuntimeException e) {
                log.warn("Could not mail the low-balance alert of workspace {}: {}", low.workspaceId(), e.toString());
            }
        }
    }

    private static String credits(long credits) {
        return String.format(Locale.ROOT, "%,d", credits);
    }
}
