package com.imagegate.account.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.account.AccountProperties;
import com.imagegate.account.internal.SharedSignInThrottle.Decision;
import com.imagegate.account.internal.SharedSignInThrottle.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SharedSignInThrottleTests {

    static final AccountProperties.SignIn SETTINGS = new AccountProperties.SignIn(
            Duration.ofMinutes(15), 5, 20, 100, Duration.ofMinutes(1), Duration.ofHours(1));
    static final long MINUTE = 60_000;

    @Test
    void allowsTheLimitThenLocksOutWithDoublingLockoutsUpToTheMaximum() {
        long now = 1_000_000_000L;
        State state = new State(0, now, 0, 0);
        for (int i = 1; i <= 5; i++) {
            Decision decision = SharedSignInThrottle.decide(state, now, 5, SETTINGS);
            assertThat(decision.allowed()).as("attempt " + i).isTrue();
            state = decision.next();
        }
        Decision sixth = SharedSignInThrottle.decide(state, now, 5, SETTINGS);
        assertThat(sixth.allowed()).isFalse();
        assertThat(sixth.next().blockedUntil()).isEqualTo(now + MINUTE);
        state = sixth.next();

        Decision whileLocked = SharedSignInThrottle.decide(state, now + MINUTE - 1, 5, SETTINGS);
        assertThat(whileLocked.allowed()).isFalse();
        assertThat(whileLocked.next()).isEqualTo(state);

        // After each lockout, five more attempts, then a lockout twice as long: 2, 4, ... 60 minutes at most.
        long expected = 2 * MINUTE;
        for (int round = 0; round < 8; round++) {
            now = state.blockedUntil();
            for (int i = 0; i < 5; i++) {
                Decision decision = SharedSignInThrottle.decide(state, now, 5, SETTINGS);
                assertThat(decision.allowed()).isTrue();
                state = decision.next();
            }
            Decision over = SharedSignInThrottle.decide(state, now, 5, SETTINGS);
            assertThat(over.allowed()).isFalse();
            assertThat(over.next().blockedUntil() - now).isEqualTo(Math.min(expected, 60 * MINUTE));
            state = over.next();
            expected *= 2;
        }
    }

    @Test
    void aNewWindowStartsCountingAgainAndAQuietHourForgetsTheLockouts() {
        long now = 5_000_000_000L;
        State used = new State(5, now, 3, now - MINUTE);
        assertThat(SharedSignInThrottle.decide(used, now + 1, 5, SETTINGS).allowed())
                .isFalse();
        Decision nextWindow = SharedSignInThrottle.decide(used, now + 15 * MINUTE, 5, SETTINGS);
        assertThat(nextWindow.allowed()).isTrue();
        assertThat(nextWindow.next().attempts()).isEqualTo(1);
        assertThat(nextWindow.next().strikes()).as("not yet quiet for an hour").isEqualTo(3);

        Decision quiet = SharedSignInThrottle.decide(used, now + 62 * MINUTE, 5, SETTINGS);
        assertThat(quiet.next().strikes()).isZero();
    }

    @Test
    void aClientIsAnIpv4AddressOrAnIpv6Network() {
        assertThat(SharedSignInThrottle.client("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(SharedSignInThrottle.client("2001:db8:1:2:aaaa::1"))
                .isEqualTo(SharedSignInThrottle.client("2001:db8:1:2:ffff:1:2:3"))
                .isNotEqualTo(SharedSignInThrottle.client("2001:db8:1:3::1"));
        assertThat(SharedSignInThrottle.client(null)).isEqualTo("unknown");
        assertThat(SharedSignInThrottle.accountClientKey("A@Example.com", "1.2.3.4"))
                .isEqualTo(SharedSignInThrottle.accountClientKey(" a@example.com", "1.2.3.4"))
                .isNotEqualTo(SharedSignInThrottle.accountClientKey("a@example.com", "1.2.3.5"));
    }
}
