package com.imagegate.account;

import java.time.Instant;
import java.util.List;

/**
 * Mail kept instead of sent: without SMTP ({@code spring.mail.host} unset) every mail — reset, verification and
 * invitation links — is stored here for platform admins to read and pass on, and the log says only that a mail was
 * kept. Mails older than 7 days are forgotten.
 */
public interface MailOutbox {

    /** The newest kept mails, newest first (at most 200). */
    List<KeptMail> recent(int limit);

    record KeptMail(String id, String recipient, String subject, String body, Instant createdAt) {}
}
