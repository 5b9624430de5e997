package com.imagegate.account.internal;

import com.imagegate.account.SignInThrottle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Fixed-window failure counts per account (5 per 15 minutes) and per address (20 per 15 minutes), held in this node's
 * memory. A success clears the account's count. The map is bounded: when it grows past its cap, expired windows are
 * dropped first and then everything (failing open rather than running out of memory).
 */
@Component
class MemorySignInThrottle implements SignInThrottle {

    private static final Logger log = LoggerFactory.getLogger(MemorySignInThrottle.class);
    static final int MAX_FAILURES_PER_ACCOUNT = 5;
    static final int MAX_FAILURES_PER_ADDRESS = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_KEYS = 100_000;

    private record Window(Instant start, int failures) {}

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Clock clock;

    MemorySignInThrottle(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean isBlocked(String email, String remoteAddress) {
        return failures(accountKey(email)) >= MAX_FAILURES_PER_ACCOUNT
                || failures(addressKey(remoteAddress)) >= MAX_FAILURES_PER_ADDRESS;
    }

    @EventListener
    void onFailure(AuthenticationFailureBadCredentialsEvent event) {
        String email = String.valueOf(event.getAuthentication().getPrincipal());
        String address = remoteAddress(event.getAuthentication().getDetails());
        if (windows.size() > MAX_KEYS) {
            evict();
        }
        count(accountKey(email));
        count(addressKey(address));
        if (failures(accountKey(email)) == MAX_FAILURES_PER_ACCOUNT) {
            log.warn(
                    "Sign-in throttled for an account after {} failures (last from {})",
                    MAX_FAILURES_PER_ACCOUNT,
                    address);
        }
    }

    @EventListener
    void onSuccess(AuthenticationSuccessEvent event) {
        windows.remove(accountKey(event.getAuthentication().getName()));
    }

    private int failures(String key) {
        Window window = windows.get(key);
        return window == null || expired(window) ? 0 : window.failures();
    }

    private void count(String key) {
        windows.compute(
                key,
                (k, window) -> window == null || expired(window)
                        ? new Window(clock.instant(), 1)
                        : new Window(window.start(), window.failures() + 1));
    }

    private boolean expired(Window window) {
        return window.start().plus(WINDOW).isBefore(clock.instant());
    }

    private void evict() {
        windows.values().removeIf(this::expired);
        if (windows.size() > MAX_KEYS) {
            windows.clear();
        }
    }

    private static String accountKey(String email) {
        return "account:" + (email == null ? "" : email.strip().toLowerCase(Locale.ROOT));
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }

    private static String remoteAddress(Object details) {
        return details instanceof WebAuthenticationDetails web ? web.getRemoteAddress() : "unknown";
    }
}
