package com.imagegate.account;

import java.util.function.Function;

/**
 * Mails a notice to the active owners of a workspace (deleted and disabled users skipped), for other modules' events
 * (billing's top-up results). Never throws for a mail that cannot be sent: it is logged.
 */
public interface OwnerMail {

    /** Sends the message (made from the workspace's name) to the workspace's active owners; nothing when it is gone. */
    void send(String workspaceId, Function<String, Message> message);

    /** An absolute link to a page of the app, for a mail's body. */
    String link(String path);

    record Message(String subject, String body) {}
}
