package com.imagegate.account.internal;

import static com.imagegate.account.internal.OwnerNotices.credits;

import com.imagegate.credits.BalanceLow;
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

    private final OwnerNotices owners;

    BalanceLowMail(OwnerNotices owners) {
        this.owners = owners;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void on(BalanceLow low) {
        owners.send(
                low.workspaceId(),
                name -> new OwnerNotices.Notice(
                        "Low balance: " + credits(low.balance()) + " credits left in " + name,
                        "The credit balance of the workspace \"" + name + "\" on Imagegate is "
                                + credits(low.balance()) + " credits, below your alert threshold of "
                                + credits(low.threshold()) + ".\n\nBuy credits or change the alert here:\n"
                                + owners.link("/app/billing")
                                + "\n\nYou get this once each time the balance falls below the threshold."));
    }
}
