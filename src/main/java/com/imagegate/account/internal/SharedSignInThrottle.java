package com.imagegate.account.internal;

import com.imagegate.account.AccountProperties;
import com.imagegate.account.SignInThrottle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.jobs.annotations.Recurring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Password sign-in throttling ({@code imagegate.accounts.sign-in.*}), kept in the database so every node counts into
 * the same rows. Each attempt takes its scope's row lock, is counted, and only then may its password be checked: 60
 * parallel guesses get exactly the allowed number of checks. Three scopes, checked in this order:
 *
 * <ul>
 *   <li>the account from one client: a few attempts per window, then a lockout of that client for that account only;
 *       the owner signing in from elsewhere is unaffected. A successful sign-in clears it.
 *   <li>the client, on any accounts: slows one address spraying many accounts.
 *   <li>the account from all clients: a high backstop against guessing from many addresses (this one does lock the
 *       owner out, which is why it is far above the others).
 * </ul>
 *
 * A scope over its limit is refused for {@code lockout}, doubled with each further lockout up to {@code max-lockout};
 * the doubling is forgotten after a quiet {@code max-lockout}. A successful sign-in gives its attempt back to the
 * client and account scopes. Scopes are stored hashed (no emails or addresses in this table); a client is its IPv4
 * address or its IPv6 /64.
 */
@Component
public class SharedSignInThrottle implements SignInThrottle {

    private static final Logger log = LoggerFactory.getLogger(SharedSignInThrottle.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final AccountProperties.SignIn settings;

    SharedSignInThrottle(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, AccountProperties properties) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.settings = properties.signIn();
    }

    @Override
    public boolean tryAttempt(String email, String remoteAddress) {
        String client = client(remoteAddress);
        if (!count(accountClientKey(email, client), settings.accountClientAttempts())) {
            log.warn("Sign-in refused: too many attempts on one account from {}", client);
            return false;
        }
        if (!count(clientKey(client), settings.clientAttempts())) {
            log.warn("Sign-in refused: too many attempts from {}", client);
            return false;
        }
        if (settings.accountAttempts() > 0 && !count(accountKey(email), settings.accountAttempts())) {
            log.warn("Sign-in refused: too many attempts on one account from all addresses (last from {})", client);
            return false;
        }
        return true;
    }

    @EventListener
    void onSuccess(AuthenticationSuccessEvent event) {
        // Only the password form's sign-ins, which were counted by tryAttempt.
        if (!(event.getAuthentication() instanceof UsernamePasswordAuthenticationToken token)
                || !(token.getDetails() instanceof WebAuthenticationDetails details)) {
            return;
        }
        String email = token.getName();
        String client = client(details.getRemoteAddress());
        jdbc.sql("delete from sign_in_throttles where scope = ?")
                .param(accountClientKey(email, client))
                .update();
        jdbc.sql("update sign_in_throttles set attempts = attempts - 1 where scope in (?, ?) and attempts > 0")
                .params(clientKey(client), accountKey(email))
                .update();
    }

    /** Forgets scopes untouched for a day (a JobRunr recurring job: once across nodes). */
    @Recurring(id = "imagegate-sign-in-throttles-cleanup", interval = "PT1H")
    @Job(name = "Forget old sign-in throttles")
    public int purge() {
        long now = clock.millis();
        long quiet = Math.max(86_400_000L, settings.maxLockout().toMillis() * 2);
        return jdbc.sql("delete from sign_in_throttles where updated_at < ? and blocked_until < ?")
                .params(now - quiet, now)
                .update();
    }

    /**
     * Counts one attempt in this scope under its row lock; false when the scope refuses it. Concurrent first inserts
     * of one scope can deadlock on MariaDB's unique index; the loser tries again.
     */
    private boolean count(String scope, int limit) {
        for (int attempt = 1; ; attempt++) {
            try {
                return countOnce(scope, limit);
            } catch (PessimisticLockingFailureException deadlock) {
                if (attempt >= 5) {
                    throw deadlock;
                }
            }
        }
    }

    private boolean countOnce(String scope, int limit) {
        long now = clock.millis();
        jdbc.sql("insert into sign_in_throttles (scope, attempts, window_start, strikes, blocked_until, updated_at)"
                        + " values (?, 0, ?, 0, 0, ?) on duplicate key update updated_at = updated_at")
                .params(scope, now, now)
                .update();
        Boolean allowed = transactions.execute(status -> {
            State state = jdbc.sql("select attempts, window_start, strikes, blocked_until from sign_in_throttles"
                            + " where scope = ? for update")
                    .param(scope)
                    .query((rs, row) -> new State(
                            rs.getInt("attempts"),
                            rs.getLong("window_start"),
                            rs.getInt("strikes"),
                            rs.getLong("blocked_until")))
                    .single();
            Decision decision = decide(state, now, limit, settings);
            State next = decision.next();
            jdbc.sql("update sign_in_throttles set attempts = ?, window_start = ?, strikes = ?, blocked_until = ?,"
                            + " updated_at = ? where scope = ?")
                    .params(next.attempts(), next.windowStart(), next.strikes(), next.blockedUntil(), now, scope)
                    .update();
            return decision.allowed();
        });
        return Boolean.TRUE.equals(allowed);
    }

    /** A scope's counters: attempts in the window that began at windowStart, lockouts so far, locked until when. */
    record State(int attempts, long windowStart, int strikes, long blockedUntil) {}

    record Decision(boolean allowed, State next) {}

    /** One attempt against a scope at {@code now} (epoch millis): whether it may go on, and the scope after it. */
    static Decision decide(State state, long now, int limit, AccountProperties.SignIn settings) {
        if (state.blockedUntil() > now) {
            return new Decision(false, state);
        }
        int strikes = state.strikes();
        if (strikes > 0 && now - state.blockedUntil() > settings.maxLockout().toMillis()) {
            strikes = 0; // quiet for longer than the longest lockout: start over
        }
        boolean windowOver = now - state.windowStart() >= settings.window().toMillis();
        int attempts = (windowOver ? 0 : state.attempts()) + 1;
        long windowStart = windowOver ? now : state.windowStart();
        if (attempts <= limit) {
            return new Decision(true, new State(attempts, windowStart, strikes, state.blockedUntil()));
        }
        long lockout = settings.lockout().toMillis() << Math.min(strikes, 30);
        lockout = Math.min(
                lockout <= 0 ? Long.MAX_VALUE : lockout, settings.maxLockout().toMillis());
        return new Decision(false, new State(0, now, strikes + 1, now + lockout));
    }

    static String accountClientKey(String email, String client) {
        return hash("account-client:" + normalize(email) + "|" + client);
    }

    static String clientKey(String client) {
        return hash("client:" + client);
    }

    static String accountKey(String email) {
        return hash("account:" + normalize(email));
    }

    /** The client an address stands for: an IPv4 address, or the /64 network of an IPv6 address. */
    static String client(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.isBlank()) {
            return "unknown";
        }
        String address = remoteAddress.strip();
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            String literal = address.startsWith("[") ? address.substring(1, address.length() - 1) : address;
            int zone = literal.indexOf('%');
            InetAddress parsed = InetAddress.getByName(zone < 0 ? literal : literal.substring(0, zone));
            if (parsed instanceof Inet6Address v6) {
                return "ipv6/64:" + HexFormat.of().formatHex(Arrays.copyOf(v6.getAddress(), 8));
            }
            return parsed.getHostAddress();
        } catch (UnknownHostException | StringIndexOutOfBoundsException notAnAddress) {
            return address;
        }
    }

    private static String normalize(String email) {
        return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    }

    private static String hash(String scope) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(scope.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
