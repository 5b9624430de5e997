package com.imagegate.admin.internal;

import com.imagegate.account.OwnerMail;
import com.imagegate.generation.ContentPolicy;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells a workspace's owners that its generation was paused for review. Heard inside the transaction that pauses it,
 * so the mail (an outbox row) is written with the pause or not at all.
 */
@Component
class PauseMail {

    private final OwnerMail owners;

    PauseMail(OwnerMail owners) {
        this.owners = owners;
    }

    @EventListener
    void paused(ContentPolicy.WorkspacePaused paused) {
        owners.send(
                paused.workspaceId(),
                name -> new OwnerMail.Message(
                        "Image generation in " + name + " is paused for review",
                        "Image generation in your workspace " + name + " is paused: " + paused.strikes()
                                + " requests were refused by the content policy within 24 hours.\n\n"
                                + "While it is paused, the studio, the API and the OpenAI-compatible endpoint refuse"
                                + " new images with workspace_paused, and tasks that had not started yet end"
                                + " with workspace_paused and their credits released. Nothing else changes: your credits,"
                                + " images and keys are kept.\n\nOur team reviews the refused requests and will"
                                + " lift the pause or contact you. Questions: reply to this mail or write to support.\n\n"
                                + owners.link("/app")));
    }
}
