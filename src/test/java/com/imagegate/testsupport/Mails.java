package com.imagegate.testsupport;

import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a local SMTP server (GreenMail) received, read as a person reads their inbox. */
public final class Mails {

    private static final Pattern CONFIRM = Pattern.compile("http://localhost:8080(/[a-z-]+\\?token=[A-Za-z0-9_-]+)");

    private Mails() {}

    /** The mails to {@code address} whose subject starts with {@code subjectPrefix}, oldest first. */
    public static List<MimeMessage> to(GreenMailExtension smtp, String address, String subjectPrefix) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> recipients(m).contains(address))
                .filter(m -> subject(m).startsWith(subjectPrefix))
                .toList();
    }

    /** The path and token of the newest "Confirm your email" link mailed to {@code address}, once it has come. */
    public static String confirmLink(GreenMailExtension smtp, String address) {
        return await().atMost(Duration.ofSeconds(15))
                .until(
                        () -> Arrays.stream(smtp.getReceivedMessages())
                                .filter(m -> recipients(m).contains(address))
                                .filter(m -> subject(m).contains("Confirm your email"))
                                .reduce((first, second) -> second)
                                .map(m -> {
                                    Matcher matcher = CONFIRM.matcher(body(m));
                                    return matcher.find() ? matcher.group(1) : null;
                                })
                                .orElse(null),
                        link -> link != null);
    }

    public static String body(MimeMessage message) {
        return GreenMailUtil.getBody(message).replace("=\r\n", "").replace("=3D", "=");
    }

    private static String recipients(MimeMessage message) {
        try {
            return GreenMailUtil.getAddressList(message.getAllRecipients());
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
