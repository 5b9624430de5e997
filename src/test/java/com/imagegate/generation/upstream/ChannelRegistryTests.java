package com.imagegate.generation.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.generation.ChannelHealth;
import com.imagegate.generation.GenerationProperties;
import com.imagegate.testsupport.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

class ChannelRegistryTests {

    private final SingleConnectionDataSource db = new SingleConnectionDataSource(
            "jdbc:h2:mem:channels" + System.nanoTime() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE", "sa", "", true);
    private final JdbcClient jdbc = JdbcClient.create(db);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));

    ChannelRegistryTests() {
        jdbc.sql("create table upstream_channel_switches (name varchar(64) primary key, enabled boolean not null,"
                        + " changed_at datetime(6) not null)")
                .update();
    }

    @AfterEach
    void close() {
        db.destroy();
    }

    static Map.Entry<String, GenerationProperties.ChannelSettings> channel(String name, int weight, int priority) {
        return Map.entry(
                name,
                new GenerationProperties.ChannelSettings(
                        URI.create("http://" + name + ".example"), "k", null, weight, priority));
    }

    ChannelRegistry registry(Map<String, GenerationProperties.ChannelSettings> channels) {
        var settings = new GenerationProperties.OpenAi(
                URI.create("https://api.openai.com"),
                null,
                "gpt-image-2-2026-04-21",
                channels,
                10,
                Duration.ofSeconds(10),
                Duration.ofMinutes(5),
                Duration.ofMinutes(8),
                6,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                3,
                Duration.ofSeconds(60),
                "enhance",
                "edit");
        return new ChannelRegistry(settings, jdbc, new AttemptLog(jdbc, Duration.ofDays(30), clock), clock);
    }

    static final Failure SERVER_ERROR = new Failure(Failure.Kind.SERVER_ERROR, 500, null, null);

    @Test
    void theHighestPriorityIsUsedAndWeightsShareTheCallsWithinIt() {
        var registry = registry(Map.ofEntries(channel("a", 3, 5), channel("b", 1, 5), channel("low", 100, 0)));
        var random = new SplittableRandom(42);
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            var choice = registry.choose(Map.of(), clock.instant(), random);
            picks.merge(choice.channel().name(), 1, Integer::sum);
        }
        assertThat(picks).doesNotContainKey("low");
        assertThat(picks.get("a")).isBetween(2800, 3200);
        assertThat(picks.get("b")).isBetween(800, 1200);
    }

    @Test
    void aChannelInBackoffIsPassedOverForALowerPriorityOneOrWaitedFor() {
        var registry = registry(Map.ofEntries(channel("a", 1, 5), channel("b", 1, 0)));
        Instant now = clock.instant();
        var random = new SplittableRandom(1);

        assertThat(registry.choose(Map.of("a", now.plusSeconds(2)), now, random)
                        .channel()
                        .name())
                .isEqualTo("b");
        var wait = registry.choose(Map.of("a", now.plusSeconds(2), "b", now.plusSeconds(1)), now, random);
        assertThat(wait.channel()).isNull();
        assertThat(wait.readyAt()).isEqualTo(now.plusSeconds(1));
    }

    @Test
    void consecutiveFailuresCoolAChannelDownUntilItIsPutBackAndASuccessResetsTheCount() {
        var registry = registry(Map.ofEntries(channel("a", 1, 5), channel("b", 1, 0)));
        var random = new SplittableRandom(1);
        registry.failed("a", SERVER_ERROR);
        registry.failed("a", SERVER_ERROR);
        registry.succeeded("a", Duration.ofMillis(100));
        registry.failed("a", SERVER_ERROR);
        registry.failed("a", SERVER_ERROR);
        assertThat(registry.channels().getFirst().state()).isEqualTo(ChannelHealth.State.ACTIVE);

        registry.failed("a", SERVER_ERROR);
        ChannelHealth cooling = registry.channels().getFirst();
        assertThat(cooling.state()).isEqualTo(ChannelHealth.State.COOLING_DOWN);
        assertThat(cooling.cooledDownUntil()).isEqualTo(clock.instant().plusSeconds(60));
        assertThat(cooling.failures()).isEqualTo(5);
        assertThat(cooling.successes()).isEqualTo(1);
        assertThat(registry.choose(Map.of(), clock.instant(), random).channel().name())
                .isEqualTo("b");

        clock.advance(Duration.ofSeconds(61));
        assertThat(registry.channels().getFirst().state()).isEqualTo(ChannelHealth.State.ACTIVE);
        assertThat(registry.choose(Map.of(), clock.instant(), random).channel().name())
                .isEqualTo("a");
        // Still on probation: one more failure cools it down again; a success would have reset it.
        registry.failed("a", SERVER_ERROR);
        assertThat(registry.channels().getFirst().state()).isEqualTo(ChannelHealth.State.COOLING_DOWN);
    }

    @Test
    void whenEveryChannelIsCoolingDownTheyAreCalledAnywayNotWaitedFor() {
        var registry = registry(Map.ofEntries(channel("a", 1, 5), channel("b", 1, 0)));
        var random = new SplittableRandom(1);
        Instant now = clock.instant();
        for (int i = 0; i < 3; i++) {
            registry.failed("a", SERVER_ERROR);
        }
        // One healthy channel left, but in this call's backoff: its backoff is waited for, the cooling one is not used.
        var wait = registry.choose(Map.of("b", now.plusSeconds(1)), now, random);
        assertThat(wait.channel()).isNull();
        assertThat(wait.readyAt()).isEqualTo(now.plusSeconds(1));

        for (int i = 0; i < 3; i++) {
            registry.failed("b", SERVER_ERROR);
        }
        assertThat(registry.channels()).extracting(ChannelHealth::state).containsOnly(ChannelHealth.State.COOLING_DOWN);
        // Every channel cooling down: priority and backoff still choose among them; nobody waits out the cool-down.
        assertThat(registry.choose(Map.of(), now, random).channel().name()).isEqualTo("a");
        assertThat(registry.choose(Map.of("a", now.plusSeconds(2)), now, random)
                        .channel()
                        .name())
                .isEqualTo("b");
        var backoff = registry.choose(Map.of("a", now.plusSeconds(2), "b", now.plusSeconds(3)), now, random);
        assertThat(backoff.channel()).isNull();
        assertThat(backoff.readyAt()).isEqualTo(now.plusSeconds(2));
        // A disabled channel stays out even then.
        registry.setEnabled("a", false);
        assertThat(registry.choose(Map.of(), now, random).channel().name()).isEqualTo("b");
    }

    @Test
    void aRejectedRequestIsNotTheChannelsFault() {
        var registry = registry(Map.ofEntries(channel("a", 1, 0)));
        for (int i = 0; i < 5; i++) {
            registry.failed("a", new Failure(Failure.Kind.CONTENT_POLICY, 400, null, "moderation_blocked"));
            registry.failed("a", new Failure(Failure.Kind.REJECTED, 400, null, "invalid_value"));
        }
        ChannelHealth health = registry.channels().getFirst();
        assertThat(health.state()).isEqualTo(ChannelHealth.State.ACTIVE);
        assertThat(health.consecutiveFailures()).isZero();
        assertThat(health.failures()).isEqualTo(10);
        assertThat(health.lastError()).isEqualTo("upstream_rejected (HTTP 400)");
    }

    @Test
    void disabledChannelsAreNeverChosenAndWithNoneLeftNothingIsWaitedFor() {
        var registry = registry(Map.ofEntries(channel("a", 1, 5), channel("b", 1, 0)));
        var random = new SplittableRandom(1);
        registry.setEnabled("a", false);
        assertThat(registry.choose(Map.of(), clock.instant(), random).channel().name())
                .isEqualTo("b");
        registry.setEnabled("b", false);
        assertThat(registry.choose(Map.of(), clock.instant(), random).noneEnabled())
                .isTrue();
        registry.setEnabled("a", true);
        assertThat(registry.channels())
                .extracting(ChannelHealth::state)
                .containsExactly(ChannelHealth.State.ACTIVE, ChannelHealth.State.DISABLED);
    }

    @Test
    void latencyPercentilesComeFromRecentSuccesses() {
        var registry = registry(Map.ofEntries(channel("a", 1, 0)));
        for (int ms = 1; ms <= 200; ms++) {
            registry.succeeded("a", Duration.ofMillis(ms));
        }
        ChannelHealth health = registry.channels().getFirst();
        // Only the last 100 calls (101..200 ms) count.
        assertThat(health.latencyP50()).isEqualTo(Duration.ofMillis(150));
        assertThat(health.latencyP95()).isEqualTo(Duration.ofMillis(195));
    }
}
