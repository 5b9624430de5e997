package com.imagegate.account.internal;

import com.imagegate.account.WorkspaceRole;
import com.imagegate.credits.KeyBudgetReached;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Mails a workspace's owners when one of its API keys reaches 80% or 100% of its budget ({@link KeyBudgetReached},
 * once per key, period and level). After the commit only, like {@link BalanceLowMail}: a reservation that rolls back
 * sends nothing. The key is named by its id (the account module does not depend on the API keys module). A mail that
 * cannot be sent is logged, never thrown at the request whose reservation reached the level.
 */
@Component
class KeyBudgetMail {

    private static final Logger log = LoggerFactory.getLogger(KeyBudgetMail.class);
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Workspaces workspaces;
    private final Memberships memberships;
    private final Users users;
    private final Mailer mailer;
    private final AccountService accounts;

    KeyBudgetMail(Workspaces workspaces, Memberships memberships, Users users, Mailer mailer, AccountService accounts) {
        this.workspaces = workspaces;
        this.memberships = memberships;
        this.users = users;
        this.mailer = mailer;
        this.accounts = accounts;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void on(KeyBudgetReached reached) {
        var workspace = workspaces.findById(reached.workspaceId());
        if (workspace.isEmpty()) {
            return;
        }
        String name = workspace.get().summary().name();
        String period = switch (reached.period()) {
            case DAY -> "daily";
            case WEEK -> "weekly";
            case MONTH -> "monthly";
        };
        var owners = memberships.findByWorkspaceId(reached.workspaceId()).stream()
                .filter(m -> m.role() == WorkspaceRole.OWNER)
                .map(m -> users.findById(m.userId()))
                .flatMap(java.util.Optional::stream)
                .filter(u -> !u.deleted() && u.enabled())
                .toList();
        String subject = "Key budget " + reached.level() + "% used: key " + reached.apiKeyId() + " in " + name;
        String what = reached.level() >= 100
                ? "has used its whole " + period + " budget: further requests with it are refused until "
                : "has used " + reached.level() + "% of its " + period + " budget, which renews at ";
        for (User owner : owners) {
            try {
                mailer.send(
                        owner.email(),
                        subject,
                        "The API key " + reached.apiKeyId() + " of the workspace \"" + name + "\" on Imagegate "
                                + what + WHEN.format(reached.resetsAt()) + ".\n\nSpent this period: "
                                + credits(reached.spent()) + " of " + credits(reached.budget())
                                + " credits.\n\nChange the key's budget here:\n" + accounts.link("/app/keys")
                                + "\n\nYou get this once per key, budget period and level (80% and 100%).");
            } catch (RuntimeException e) {
                log.warn(
                        "Could not mail the budget alert of key {} in workspace {}: {}",
                        reached.apiKeyId(),
                        reached.workspaceId(),
                        e.toString());
            }
        }
    }

    private static String credits(long credits) {
        return String.format(Locale.ROOT, "%,d", credits);
    }
}
