package com.imagegate.account.internal;

import com.imagegate.account.AccountAdmin;
import com.imagegate.account.AccountException;
import com.imagegate.account.AccountProperties;
import com.imagegate.account.SignupLimitException;
import com.imagegate.account.SignupPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The sign-up rules: stored by admins in {@code signup_policy}, else the configured defaults; checked at sign-up. */
@Component
class SignupPolicies {

    static final String DISPOSABLE =
            "Sign-ups with disposable email addresses are not accepted. Use your own email address.";
    static final String TOO_MANY = "Too many accounts were created from your network today, so we cannot create"
            + " another one right now. Try again tomorrow, or ask us to allow your network if many people sign up from"
            + " it (an office, a school).";

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

    /**
     * Refuses a disposable address, or a sign-up beyond the day's limit for its network (an IPv4 address or an IPv6
     * /64, {@link SignupPolicy#network(String)}); otherwise counts the sign-up against its network's UTC day. Runs in
     * the sign-up's transaction: the count row is upserted (an exclusive lock straight away) and read locked, so
     * parallel sign-ups from one network are counted one after the other, and a sign-up that is refused or fails later
     * rolls its count back. Counted even while the limit is off, so a limit an admin sets applies to the day so far.
     * Networks an admin allowed ({@link #allow}) are counted but never refused.
     */
    void check(String normalizedEmail, String clientAddress, Instant now) {
        SignupPolicy policy = current();
        if (policy.denies(normalizedEmail)) {
            throw new AccountException("email", DISPOSABLE);
        }
        String network = SignupPolicy.network(clientAddress);
        if (network == null) {
            return;
        }
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        jdbc.sql("insert into signup_network_days (network, signup_day, signups) values (?, ?, 1)"
                        + " on duplicate key update signups = signups + 1")
                .params(network, day)
                .update();
        int signups = jdbc.sql(
                        "select signups from signup_network_days where network = ? and signup_day = ? for update")
                .params(network, day)
                .query(Integer.class)
                .single();
        if (signups == 1) {
            // The network's first sign-up today (its row is ours and locked): drop its earlier days.
            jdbc.sql("delete from signup_network_days where network = ? and signup_day < ?")
                    .params(network, day)
                    .update();
        }
        if (policy.maxSignupsPerIpPerDay() > 0 && signups > policy.maxSignupsPerIpPerDay() && !allowed(network)) {
            throw new SignupLimitException(TOO_MANY);
        }
    }

    private boolean allowed(String network) {
        return jdbc.sql("select count(*) from signup_network_allowances where network = ?")
                        .param(network)
                        .query(Long.class)
                        .single()
                > 0;
    }

    List<AccountAdmin.SignupAllowance> allowances() {
        return jdbc.sql("select network, reason, created_by, created_at from signup_network_allowances"
                        + " order by created_at desc, network")
                .query((rs, row) -> new AccountAdmin.SignupAllowance(
                        rs.getString("network"),
                        rs.getString("reason"),
                        rs.getString("created_by"),
                        rs.getObject("created_at", LocalDateTime.class).toInstant(ZoneOffset.UTC)))
                .list();
    }

    /** Exempts a network from the per-network limit; false when it already was (the first reason stays). */
    boolean allow(String network, String reason, String actorUserId, Instant now) {
        if (allowed(network)) {
            return false;
        }
        return jdbc.sql("insert into signup_network_allowances (network, reason, created_by, created_at)"
                                + " values (?, ?, ?, ?) on duplicate key update network = network")
                        .params(network, reason, actorUserId, LocalDateTime.ofInstant(now, ZoneOffset.UTC))
                        .update()
                > 0;
    }

    /** Ends a network's exemption; false when it had none. */
    boolean disallow(String network) {
        return jdbc.sql("delete from signup_network_allowances where network = ?")
                        .param(network)
                        .update()
                > 0;
    }
}
