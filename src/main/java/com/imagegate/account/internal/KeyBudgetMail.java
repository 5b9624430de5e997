package com.imagegate.account.internal;

import static com.imagegate.account.internal.OwnerNotices.credits;

import com.imagegate.credits.KeyBudgetReached;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
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

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final OwnerNotices owners;

    KeyBudgetMail(OwnerNotices owners) {
        this.owners = owners;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void on(KeyBudgetReached reached) {
        String period = switch (reached.period()) {
            case DAY -> "daily";
            case WEEK -> "weekly";
            case MONTH -> "monthly";
        };
        String what = reached.byRefusal()
                ? "was refused a request of " + credits(reached.refused()) + " credits because it would have passed"
                        + " its " + period + " budget: requests with it that do not fit are refused until "
                : reached.level() >= 100
                        ? "has used its whole " + period + " budget: further requests with it are refused until "
                        : "has used " + reached.level() + "% of its " + period + " budget, which renews at ";
        owners.send(
                reached.workspaceId(),
                name -> new OwnerNotices.Notice(
                        "Key budget " + reached.level() + "% used: key " + reached.apiKeyId() + " in " + name,
                        "The API key " + reached.apiKeyId() + " of the workspace \"" + name + "\" on Imagegate "
                                + what + WHEN.format(reached.resetsAt()) + ".\n\nSpent this period: "
                                + credits(reached.spent()) + " of " + credits(reached.budget())
                                + " credits.\n\nChange the key's budget here:\n" + owners.link("/app/keys")
                                + "\n\nYou get this once per key, budget period and level (80% and 100%)."));
    }
}
