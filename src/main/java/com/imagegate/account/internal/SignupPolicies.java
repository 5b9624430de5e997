package com.imagegate.account.internal;

import com.imagegate.account.AccountException;
import com.imagegate.account.AccountProperties;
import com.imagegate.account.SignupPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The sign-up rules: stored by admins in {@code signup_policy}, else the configured defaults; checked at sign-up. */
@Component
class SignupPolicies {

    static final String DISPOSABLE =
            "Sign-ups with disposable email addresses are not accepted. Use your own email address.";
    static final String TOO_MANY = "Too many accounts were created from your network today. Try again tomorrow.";

    private final JdbcClient jdbc;
    private final AccountProperties properties;

    SignupPolicies(JdbcClient jdbc, AccountProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    SignupPolicy current() {
        return jdbc.sql("select max_signups_per_ip_per_day, denied_email_domains from signup_policy where id = 1")
                .query((rs, row) -> new SignupPolicy(
                        rs.getInt("max_signups_per_ip_per_day"),
                        SignupPolicy.parseDomains(rs.getString("denied_email_domains"))))
                .optional()
                .orElseGet(
                        () -> new SignupPolicy(properties.signupsPerIpPerDay(), properties.disposableEmailDomains()));
    }

    void save(SignupPolicy policy, String actorUserId, Instant now) {
        String domains = String.join("\n", policy.deniedEmailDomains());
        LocalDateTime at = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
        int updated = jdbc.sql("update signup_policy set max_signups_per_ip_per_day = ?, denied_email_domains = ?,"
                        + " updated_by = ?, updated_at = ? where id = 1")
                .params(policy.maxSignupsPerIpPerDay(), domains, actorUserId, at)
                .update();
        if (updated == 0) {
            jdbc.sql("insert into signup_policy (id, max_signups_per_ip_per_day, denied_email_domains, updated_by,"
                            + " updated_at) values (1, ?, ?, ?, ?)")
                    .params(policy.maxSignupsPerIpPerDay(), domains, actorUserId, at)
                    .update();
        }
    }

    /** Refuses a disposable address, or one address's sign-up beyond the day's limit; changes nothing. */
    void check(String normalizedEmail, String clientAddress, Instant now) {
        SignupPolicy policy = current();
        if (policy.denies(normalizedEmail)) {
            throw new AccountException("email", DISPOSABLE);
        }
        if (policy.maxSignupsPerIpPerDay() > 0 && clientAddress != null && !clientAddress.isBlank()) {
            long recent = jdbc.sql("select count(*) from users where signup_ip = ? and created_at >= ?")
                    .params(
                            clientAddress.strip(),
                            LocalDateTime.ofInstant(now.minus(Duration.ofDays(1)), ZoneOffset.UTC))
                    .query(Long.class)
                    .single();
            if (recent >= policy.maxSignupsPerIpPerDay()) {
                throw new AccountException(null, TOO_MANY);
            }
        }
    }
}
