package com.imagegate.generation.upstream;

import com.imagegate.generation.ChannelHealth;
import com.imagegate.generation.ChannelTraffic;
import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ProviderAttempt;
import com.imagegate.generation.UpstreamChannels;
import com.imagegate.generation.UpstreamCost;
import com.imagegate.generation.UpstreamPrice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The configured upstream channels and their health on this node. Choosing: enabled channels that are not cooling down
 * and not waiting out a backoff of the current call; of those the highest priority, then by weight at random. A channel
 * with {@code failure-threshold} consecutive channel-side failures (timeouts, connection failures, 429, 5xx, 401/403,
 * malformed answers) is left out for {@code cool-down} and then put back by itself; one success resets its count, one
 * more failure after it is back cools it down again. An admin's enable/disable is stored in the database, so it holds
 * on every node.
 */
public class ChannelRegistry implements UpstreamChannels {

    private static final Logger log = LoggerFactory.getLogger(ChannelRegistry.class);
    static final int LATENCY_WINDOW = 100;

    private final List<Slot> slots;
    private final JdbcClient jdbc;
    private final AttemptLog attempts;
    private final Clock clock;
    private final int failureThreshold;
    private final Duration coolDown;
    private final String defaultModel;
    private final PriceBook prices;
    private final String currency;

    public ChannelRegistry(GenerationProperties.OpenAi settings, JdbcClient jdbc, AttemptLog attempts, Clock clock) {
        this(settings, jdbc, attempts, new PriceBook(jdbc, clock), "USD", clock);
    }

    /**
     * @param prices each channel's price table
     * @param currency the operator's cost currency
     */
    public ChannelRegistry(
            GenerationProperties.OpenAi settings,
            JdbcClient jdbc,
            AttemptLog attempts,
            PriceBook prices,
            String currency,
            Clock clock) {
        this.prices = prices;
        this.currency = currency;
        this.slots = settings.effectiveChannels().stream()
                .sorted(Comparator.comparingInt(GenerationProperties.Channel::priority)
                        .reversed()
                        .thenComparing(GenerationProperties.Channel::name))
                .map(Slot::new)
                .toList();
        this.jdbc = jdbc;
        this.attempts = attempts;
        this.clock = clock;
        this.failureThreshold = settings.failureThreshold();
        this.coolDown = settings.coolDown();
        this.defaultModel = settings.model();
    }

    /**
     * What to call next.
     *
     * @param channel the channel to call now, or null
     * @param readyAt when no channel can be called now: when the first one can (null when none is enabled at all)
     */
    record Choice(GenerationProperties.Channel channel, Instant readyAt) {

        boolean noneEnabled() {
            return channel == null && readyAt == null;
        }
    }

    /**
     * Picks a channel: of the enabled channels that are not cooling down, the highest priority whose backoff for this
     * call has passed, by weight. When every enabled channel is cooling down, they are all candidates again ("panic
     * mode", as a load balancer falls back to all hosts when too few are healthy): a cool-down steers calls to healthy
     * channels, it never stops every call. Without that, one channel's run of bad luck (three random failures in a
     * row among many calls) would hold every task for the whole cool-down, past its deadline; the calls themselves
     * stay bounded by their retries, backoff and {@code retry-after}.
     *
     * @param notBefore per channel name, the earliest time the current call may use it again (its backoff)
     */
    Choice choose(Map<String, Instant> notBefore, Instant now, RandomGenerator random) {
        Set<String> disabled = disabled();
        List<Slot> enabled =
                slots.stream().filter(s -> !disabled.contains(s.config.name())).toList();
        if (enabled.isEmpty()) {
            return new Choice(null, null);
        }
        List<Slot> healthy = enabled.stream()
                .filter(s -> s.cooledDownUntil() == null || !s.cooledDownUntil().isAfter(now))
                .toList();
        List<Slot> candidates = healthy.isEmpty() ? enabled : healthy;
        Instant readyAt = null;
        int bestPriority = Integer.MIN_VALUE;
        List<Slot> best = new ArrayList<>();
        for (Slot slot : candidates) {
            Instant ready = notBefore.get(slot.config.name());
            if (ready != null && ready.isAfter(now)) {
                readyAt = readyAt == null || ready.isBefore(readyAt) ? ready : readyAt;
                continue;
            }
            int priority = slot.config.priority();
            if (priority > bestPriority) {
                bestPriority = priority;
                best.clear();
            }
            if (priority == bestPriority) {
                best.add(slot);
            }
        }
        if (best.isEmpty()) {
            return new Choice(null, readyAt);
        }
        int total = best.stream().mapToInt(s -> s.config.weight()).sum();
        int ticket = random.nextInt(total);
        for (Slot slot : best) {
            ticket -= slot.config.weight();
            if (ticket < 0) {
                return new Choice(slot.config, null);
            }
        }
        return new Choice(best.getLast().config, null);
    }

    void succeeded(String name, Duration took) {
        slot(name).succeeded(took);
    }

    void failed(String name, Failure failure) {
        Slot slot = slot(name);
        Instant until = slot.failed(failure, clock.instant(), failureThreshold, coolDown);
        if (until != null) {
            log.warn(
                    "Upstream channel {} cools down until {} after {} consecutive failures (last: {})",
                    name,
                    until,
                    failureThreshold,
                    failure.describe());
        }
    }

    @Override
    public List<ChannelHealth> channels() {
        Set<String> disabled = disabled();
        Instant now = clock.instant();
        return slots.stream()
                .map(s -> s.health(disabled.contains(s.config.name()), now, defaultModel))
                .toList();
    }

    @Override
    public ChannelHealth setEnabled(String name, boolean enabled) {
        Slot slot = slot(name);
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        int updated = jdbc.sql("update upstream_channel_switches set enabled = ?, changed_at = ? where name = ?")
                .params(enabled, now, name)
                .update();
        if (updated == 0) {
            try {
                jdbc.sql("insert into upstream_channel_switches (name, enabled, changed_at) values (?, ?, ?)")
                        .params(name, enabled, now)
                        .update();
            } catch (DuplicateKeyException raced) {
                jdbc.sql("update upstream_channel_switches set enabled = ?, changed_at = ? where name = ?")
                        .params(enabled, now, name)
                        .update();
            }
        }
        log.info("Upstream channel {} {} by an admin", name, enabled ? "enabled" : "disabled");
        return slot.health(!enabled, clock.instant(), defaultModel);
    }

    @Override
    public List<ChannelTraffic> traffic(Duration window) {
        Map<String, ChannelTraffic> seen = attempts.traffic(clock.instant().minus(window));
        var shown = new ArrayList<ChannelTraffic>();
        for (Slot slot : slots) {
            String name = slot.config.name();
            shown.add(seen.getOrDefault(name, new ChannelTraffic(name, 0, 0, null, null)));
        }
        seen.values().stream()
                .filter(t -> slots.stream().noneMatch(s -> s.config.name().equals(t.name())))
                .sorted(Comparator.comparing(ChannelTraffic::name))
                .forEach(shown::add);
        return List.copyOf(shown);
    }

    @Override
    public List<ProviderAttempt> attempts(String taskId) {
        return attempts.of(taskId);
    }

    @Override
    public String costCurrency() {
        return currency;
    }

    @Override
    public List<UpstreamPrice> prices(String channel) {
        return prices.table(slot(channel).config.name());
    }

    @Override
    public List<UpstreamPrice> setPrices(String channel, Map<PriceCell, Long> micros) {
        String name = slot(channel).config.name();
        prices.set(name, micros);
        log.info("Upstream channel {}: {} price(s) per image set by an admin", name, micros.size());
        return prices.table(name);
    }

    @Override
    public List<UpstreamCost> costs(Instant from, Instant to) {
        return attempts.costs(from, to);
    }

    @Override
    public long taskCost(String taskId) {
        return attempts.taskCost(taskId);
    }

    private Set<String> disabled() {
        return new HashSet<>(jdbc.sql("select name from upstream_channel_switches where enabled = false")
                .query(String.class)
                .list());
    }

    private Slot slot(String name) {
        return slots.stream()
                .filter(s -> s.config.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No upstream channel is named " + name));
    }

    /** One channel's configuration and this node's counters. */
    private static final class Slot {

        private final GenerationProperties.Channel config;
        private final long[] latencies = new long[LATENCY_WINDOW];
        private int latencyCount;
        private int latencyNext;
        private long successes;
        private long failures;
        private int consecutiveFailures;
        private String lastError;
        private Instant lastErrorAt;
        private Instant cooledDownUntil;

        Slot(GenerationProperties.Channel config) {
            this.config = config;
        }

        synchronized Instant cooledDownUntil() {
            return cooledDownUntil;
        }

        synchronized void succeeded(Duration took) {
            successes++;
            consecutiveFailures = 0;
            latencies[latencyNext] = took.toMillis();
            latencyNext = (latencyNext + 1) % LATENCY_WINDOW;
            latencyCount = Math.min(latencyCount + 1, LATENCY_WINDOW);
        }

        /** Counts a failure; returns the end of a cool-down it starts, or null. */
        synchronized Instant failed(Failure failure, Instant now, int threshold, Duration coolDown) {
            failures++;
            lastError = failure.code() + (failure.statusCode() == null ? "" : " (HTTP " + failure.statusCode() + ")");
            lastErrorAt = now;
            if (!failure.channelFault()) {
                return null;
            }
            consecutiveFailures++;
            boolean cooling = cooledDownUntil != null && cooledDownUntil.isAfter(now);
            if (consecutiveFailures >= threshold && !cooling) {
                cooledDownUntil = now.plus(coolDown);
                return cooledDownUntil;
            }
            return null;
        }

        synchronized ChannelHealth health(boolean disabled, Instant now, String defaultModel) {
            boolean cooling = cooledDownUntil != null && cooledDownUntil.isAfter(now);
            long[] recent = Arrays.copyOf(latencies, latencyCount);
            Arrays.sort(recent);
            return new ChannelHealth(
                    config.name(),
                    config.baseUrl(),
                    config.model() == null || config.model().isBlank() ? defaultModel : config.model(),
                    config.priority(),
                    config.weight(),
                    disabled
                            ? ChannelHealth.State.DISABLED
                            : cooling ? ChannelHealth.State.COOLING_DOWN : ChannelHealth.State.ACTIVE,
                    successes,
                    failures,
                    consecutiveFailures,
                    lastError,
                    lastErrorAt,
                    cooling ? cooledDownUntil : null,
                    percentile(recent, 50),
                    percentile(recent, 95));
        }
    }

    /** The nearest-rank percentile of sorted milliseconds, or null when there are none. */
    static Duration percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return null;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return Duration.ofMillis(sorted[Math.max(0, index)]);
    }
}
