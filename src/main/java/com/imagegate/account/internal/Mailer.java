package com.imagegate.account.internal;

import com.imagegate.Ids;
import com.imagegate.account.MailOutbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Outgoing mail: over SMTP when {@code spring.mail.host} is set, otherwise kept in the outbox table for admins to read
 * at {@code /admin/mail}. Mail carries single-use links (tokens), so its text never goes to the log.
 */
@Component
class Mailer implements MailOutbox {

    private static final Logger log = LoggerFactory.getLogger(Mailer.class);
    static final Duration OUTBOX_RETENTION = Duration.ofDays(7);

    private final JavaMailSender sender;
    private final String from;
    private final JdbcClient jdbc;
    private final Clock clock;

    Mailer(ObjectProvider<JavaMailSender> sender, Environment environment, JdbcClient jdbc, Clock clock) {
        this.sender = sender.getIfAvailable();
        this.from = environment.getProperty("imagegate.accounts.mail-from", "Imagegate <no-reply@localhost>");
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** True when mail really leaves the machine; verification is required only then. */
    boolean isConfigured() {
        return sender != null;
    }

    void send(String to, String subject, String body) {
        if (sender == null) {
            keep(to, subject, body);
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
            log.warn("Could not send mail '{}': {}", subject, e.getMessage());
            throw e;
        }
    }

    private void keep(String to, String subject, String body) {
        Instant now = clock.instant();
        String id = Ids.next("mail");
        jdbc.sql("delete from mail_outbox where created_at < ?")
                .param(utc(now.minus(OUTBOX_RETENTION)))
                .update();
        jdbc.sql("insert into mail_outbox (id, recipient, subject, body, created_at) values (?, ?, ?, ?, ?)")
                .params(id, to, cut(subject, 300), cut(body, 4000), utc(now))
                .update();
        // No recipient, no text: the body holds a single-use link.
        log.info("No SMTP configured: mail {} kept in the outbox (admins read it at /admin/mail)", id);
    }

    @Override
    public List<KeptMail> recent(int limit) {
        return jdbc.sql("select id, recipient, subject, body, created_at from mail_outbox"
                        + " order by created_at desc, id desc limit ?")
                .param(Math.max(1, Math.min(limit, 200)))
                .query((rs, row) -> new KeptMail(
                        rs.getString("id"),
                        rs.getString("recipient"),
                        rs.getString("subject"),
                        rs.getString("body"),
                        rs.getObject("created_at", LocalDateTime.class).toInstant(ZoneOffset.UTC)))
                .list();
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
