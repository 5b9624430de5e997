package com.imagegate.billing.internal;

import com.imagegate.account.OwnerMail;
import com.imagegate.billing.Catalog;
import com.imagegate.billing.PlanProperties;
import com.imagegate.billing.TopUpFailed;
import com.imagegate.billing.TopUpSucceeded;
import java.util.Locale;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Mails the owners the result of each automatic top-up: once per attempt, since {@link TopUpSucceeded} and {@link
 * TopUpFailed} are published once per attempt. After the commit only; a mail that cannot be sent is logged.
 */
@Component
class TopUpMail {

    private final OwnerMail owners;
    private final Catalog catalog;

    TopUpMail(OwnerMail owners, Catalog catalog) {
        this.owners = owners;
        this.catalog = catalog;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void on(TopUpSucceeded done) {
        String pack = packName(done.packId());
        owners.send(
                done.workspaceId(),
                name -> new OwnerMail.Message(
                        "Auto top-up: " + credits(done.credits()) + " credits added to " + name,
                        "Automatic top-up bought the " + pack + " for the workspace \"" + name + "\": "
                                + credits(done.credits()) + " credits, charged "
                                + String.format(Locale.ROOT, "%.2f", done.amountCents() / 100.0) + " "
                                + done.currency().toUpperCase(Locale.ROOT) + " to the saved card. The balance is now "
                                + credits(done.balanceAfter()) + " credits.\n\nSettings and history:\n"
                                + owners.link("/app/billing") + "\n\nReference: " + done.topUpId()));
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void on(TopUpFailed failed) {
        String pack = packName(failed.packId());
        owners.send(
                failed.workspaceId(),
                name -> new OwnerMail.Message(
                        (failed.paused() ? "Auto top-up paused: " : "Auto top-up failed: ") + name,
                        "Automatic top-up could not buy the " + pack + " for the workspace \"" + name + "\" ("
                                + failed.reason() + "): " + failed.message() + "\n\n"
                                + (failed.paused()
                                        ? "After " + failed.failuresInARow() + " failures in a row, automatic top-up"
                                                + " is paused. Check the card and enable it again here:\n"
                                        : "Failures in a row: " + failed.failuresInARow() + ". Check the card here:\n")
                                + owners.link("/app/billing") + "\n\nReference: " + failed.topUpId()));
    }

    private String packName(String packId) {
        return catalog.pack(packId).map(PlanProperties.Pack::name).orElse(packId);
    }

    private static String credits(long credits) {
        return String.format(Locale.ROOT, "%,d", credits);
    }
}
