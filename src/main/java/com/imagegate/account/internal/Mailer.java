package com.imagegate.account.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Outgoing mail: over SMTP when {@code spring.mail.host} is set, otherwise written to the log so a local install still
 * shows reset and invitation links.
 */
@Component
class Mailer {

    private static final Logger log = LoggerFactory.getLogger(Mailer.class);

    private final JavaMailSender sender;
    private final String from;

    Mailer(ObjectProvider<JavaMailSender> sender, org.springframework.core.env.Environment environment) {
        this.sender = sender.getIfAvailable();
        this.from = environment.getProperty("imagegate.accounts.mail-from", "Imagegate <no-reply@localhost>");
    }

    /** True when mail really leaves the machine; verification is required only then. */
    boolean isConfigured() {
        return sender != null;
    }

    void send(String to, String subject, String body) {
        if (sender == null) {
            log.info("Mail (no SMTP configured) to {}: {}\n{}", to, subject, body);
            return;
        }
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(from);
        message.setTo(to);
        message.setSubject(subject);
        message.setText(body);
        try {
            sender.send(message);
        } catch (MailException e) {
            log.warn("Could not send mail '{}' to {}: {}", subject, to, e.getMessage());
            throw e;
        }
    }
}
