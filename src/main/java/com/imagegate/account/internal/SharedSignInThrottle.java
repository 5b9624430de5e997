package com.imagegate.account.internal;

import com.imagegate.account.SignInThrottle;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.jobs.annotations.Recurring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Failure counts per account (5 per window) and per address (20 per window) in fixed 15-minute windows, kept in the
 * database so every node counts into the same window: spreading guesses over nodes gains nothing. A success clears
 * the account's count. Scopes are stored hashed (no emails or addresses in this table).
 */
@Component
public class SharedSignInThrottle implements SignInThrottle {

    private static final Logger log = LoggerFactory.getLogger(SharedSignInThrottle.class);
    static final int MAX_FAILURES_PER_ACCOUNT = 5;
    static final int MAX_FAILURES_PER_ADDRESS = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    SharedSignInThrottle(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public boolean isBlocked(String email, String remoteAddress) {
        long window = window();
        return failures(accountKey(email), window) >= MAX_FAILURES_PER_ACCOUNT
                || failures(addressKey(remoteAddress), window) >= MAX_FAILURES_PER_ADDRESS;
    }

    @EventListener
    void onFailure(AuthenticationFailureBadCredentialsEvent event) {
        String email = String.valueOf(event.getAuthentication().getPrincipal());
        String address = remoteAddress(event.getAuthentication().getDetails());
        long window = window();
        count(accountKey(email), window);
        count(addressKey(address), window);
        if (failures(accountKey(email), window) == MAX_FAILURES_PER_ACCOUNT) {
            log.warn(
                    "Sign-in throttled for an account after {} failures (last from {})",
                    MAX_FAILURES_PER_ACCOUNT,
                    address);
        }
    }

    @EventListener
    void onSuccess(AuthenticationSuccessEvent event) {
        jdbc.update(
                "delete from sign_in_windows where scope = ?",
                accountKey(event.getAuthentication().getName()));
    }

    /** Forgets windows older than an hour (a JobRunr recurring job: once across nodes). */
    @Recurring(id = "imagegate-sign-in-windows-cleanup", interval = "PT1H")
    @Job(name = "Forget old sign-in failure windows")
    public int purge() {
        return jdbc.update("delete from sign_in_windows where window_start < ?", window() - 4);
    }

    private long window() {
        return clock.millis() / WINDOW.toMillis();
    }

    private int failures(String scope, long window) {
        Integer failures = jdbc.query(
                "select failures from sign_in_windows where scope = ? and window_start = ?",
                rs -> rs.next() ? rs.getInt(1) : 0,
                scope,
                window);
        return failures == null ? 0 : failures;
    }

    private void count(String scope, long window) {
        jdbc.update(
                "insert into sign_in_windows (scope, window_start, failures) values (?, ?, 1)"
                        + " on duplicate key update failures = failures + 1",
                scope,
                window);
    }

    static String accountKey(String email) {
        return hash("account:" + (email == null ? "" : email.strip().toLowerCase(Locale.ROOT)));
    }

    static String addressKey(String address) {
        return hash("address:" + address);
    }

    private static String hash(String scope) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(scope.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String remoteAddress(Object details) {
        return details instanceof WebAuthenticationDetails web ? web.getRemoteAddress() : "unknown";
    }
}
