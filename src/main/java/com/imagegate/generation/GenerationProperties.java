package com.imagegate.generation;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Generation settings.
 *
 * @param provider {@code sandbox} (local deterministic renderer) or {@code openai} (an OpenAI-compatible upstream);
 *     test keys always use the sandbox
 * @param sandbox the local renderer
 * @param openai the OpenAI-compatible upstream
 * @param prices credits per image by size class
 * @param tasks how tasks run
 * @param costCurrency the currency of the upstream price tables and of recorded call costs (ISO 4217, e.g. {@code USD});
 *     changing it converts nothing already recorded
 */
@ConfigurationProperties("imagegate.generation")
public record GenerationProperties(
        @DefaultValue("sandbox") Provider provider,
        @DefaultValue Sandbox sandbox,
        @DefaultValue OpenAi openai,
        @DefaultValue Prices prices,
        @DefaultValue Tasks tasks,
        @DefaultValue("USD") String costCurrency) {

    @ConstructorBinding
    public GenerationProperties {
        if (costCurrency == null || !costCurrency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException(
                    "imagegate.generation.cost-currency must be a three-letter ISO 4217 code such as USD");
        }
    }

    /**
     * How tasks run.
     *
     * @param localWorkers tasks this node starts at once itself, on accept, without waiting for JobRunr's poll
     * @param lease how long a node holds a task it renders before another may take it over; renewed while rendering
     * @param stuckTimeout a task processing longer than this is failed and refunded by the sweeper
     * @param retention how long generated images are kept; then they are deleted and their links answer 410
     * @param drainTimeout on shutdown, how long this node waits for the tasks it renders to finish before it leaves
     *     them to another node
     * @param watchInterval while anyone waits on or streams a task on this node, how often the node reads the watched
     *     tasks (one batched query) to see changes made by other nodes
     * @param queueStatsTtl how long a node reuses the figures a pending task's {@code eta_seconds} is estimated from
     */
    public record Tasks(
            @DefaultValue("8") int localWorkers,
            @DefaultValue("60s") Duration lease,
            @DefaultValue("10m") Duration stuckTimeout,
            @DefaultValue("30d") Duration retention,
            @DefaultValue("20s") Duration drainTimeout,
            @DefaultValue("400ms") Duration watchInterval,
            @DefaultValue("5s") Duration queueStatsTtl) {

        @ConstructorBinding
        public Tasks {
            if (localWorkers < 0) {
                throw new IllegalArgumentException("imagegate.generation.tasks.local-workers must not be negative");
            }
            if (lease.toSeconds() < 2) {
                throw new IllegalArgumentException("imagegate.generation.tasks.lease must be at least 2s");
            }
            if (watchInterval.toMillis() < 50 || watchInterval.toMillis() > 1000) {
                throw new IllegalArgumentException(
                        "imagegate.generation.tasks.watch-interval must be between 50ms and 1s");
            }
            if (queueStatsTtl.isNegative()) {
                throw new IllegalArgumentException("imagegate.generation.tasks.queue-stats-ttl must not be negative");
            }
        }
    }

    /** The renderer: configured here, fixed on each task when it is accepted, named by each provider. */
    public enum Provider {
        SANDBOX,
        OPENAI;

        /** As configured, stored on tasks and shown: {@code sandbox}, {@code openai}. */
        public String wireValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Reads {@link #wireValue()} (case and surrounding spaces ignored); empty for anything else. */
        public static Optional<Provider> parse(String value) {
            return value == null
                    ? Optional.empty()
                    : Arrays.stream(values())
                            .filter(v -> v.wireValue().equals(value.strip().toLowerCase(Locale.ROOT)))
                            .findFirst();
        }
    }

    /**
     * @param delay how long the sandbox takes per task
     * @param failTrigger a prompt containing this text fails in the sandbox (exercises the refund path)
     */
    public record Sandbox(
            @DefaultValue("1500ms") Duration delay,
            @DefaultValue("[[fail]]") String failTrigger) {}

    /**
     * The OpenAI-compatible upstream: one or more channels and how they are called.
     *
     * @param baseUrl the default channel's base URL (without {@code /v1})
     * @param apiKey the default channel's key, from the environment only; when set, the default channel (named {@code
     *     default}) is used beside any listed {@code channels}
     * @param model the model snapshot sent upstream (a channel may name its own)
     * @param channels further channels, by name (a map rather than a list, so a channel's key can come from the
     *     environment while the rest of it is in a file: Spring merges maps across sources but replaces lists)
     * @param maxImagesPerCall the most images asked of one upstream call; a larger n is split into several calls
     * @param connectTimeout TCP/TLS connect timeout of an upstream call
     * @param readTimeout the longest one upstream call may take (a 4K image can take minutes)
     * @param deadline how long a task keeps retrying (per render); must be shorter than {@code tasks.stuck-timeout}
     * @param maxAttempts upstream calls per part of a task (first try and retries)
     * @param initialBackoff the wait before the first retry on the same channel, doubled per retry
     * @param maxBackoff the longest computed backoff (a longer {@code retry-after} is still honoured)
     * @param failureThreshold consecutive retryable failures after which a channel cools down
     * @param coolDown how long a failing channel is left out before it is tried again
     * @param enhancementPrompt the prompt of the edit call that enhances an image
     * @param editPrompt the prompt sent with reference images when the caller gave none
     */
    public record OpenAi(
            @DefaultValue("https://api.openai.com") URI baseUrl,
            String apiKey,
            @DefaultValue("gpt-image-2-2026-04-21") String model,
            Map<String, ChannelSettings> channels,
            @DefaultValue("10") int maxImagesPerCall,
            @DefaultValue("10s") Duration connectTimeout,
            @DefaultValue("5m") Duration readTimeout,
            @DefaultValue("8m") Duration deadline,
            @DefaultValue("6") int maxAttempts,
            @DefaultValue("1s") Duration initialBackoff,
            @DefaultValue("30s") Duration maxBackoff,
            @DefaultValue("3") int failureThreshold,
            @DefaultValue("60s") Duration coolDown,
            @DefaultValue(DEFAULT_ENHANCEMENT_PROMPT) String enhancementPrompt,
            @DefaultValue(DEFAULT_EDIT_PROMPT) String editPrompt) {

        static final String DEFAULT_ENHANCEMENT_PROMPT = "Enhance this image: upscale it to a higher resolution,"
                + " sharpen details and reduce noise and compression artifacts, keeping the content, composition and"
                + " colours exactly as they are.";
        static final String DEFAULT_EDIT_PROMPT = "Create a new image inspired by the reference image(s).";

        public OpenAi {
            channels = channels == null ? Map.of() : Map.copyOf(channels);
            if (maxImagesPerCall < 1 || maxImagesPerCall > 10) {
                throw new IllegalArgumentException(
                        "imagegate.generation.openai.max-images-per-call must be between 1 and 10");
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("imagegate.generation.openai.max-attempts must be at least 1");
            }
            if (failureThreshold < 1) {
                throw new IllegalArgumentException("imagegate.generation.openai.failure-threshold must be at least 1");
            }
            for (Duration d : List.of(connectTimeout, readTimeout, deadline, coolDown)) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException(
                            "imagegate.generation.openai timeouts, deadline and cool-down" + " must be positive");
                }
            }
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException(
                        "imagegate.generation.openai.initial-backoff must be >= 0 and <= max-backoff");
            }
            if (channels.containsKey("default")) {
                throw new IllegalArgumentException("imagegate.generation.openai.channels: \"default\" is the name of"
                        + " the single base-url/api-key channel; give this one another name");
            }
            channels.forEach((name, settings) -> settings.named(name)); // each channel validates itself
        }

        /**
         * The channels in use: the listed ones, plus the single {@code base-url}/{@code api-key} as channel {@code
         * default} when its key is set.
         */
        public List<Channel> effectiveChannels() {
            var all = new ArrayList<Channel>();
            if (apiKey != null && !apiKey.isBlank()) {
                all.add(new Channel("default", baseUrl, apiKey, null, 1, 0));
            }
            channels.forEach((name, settings) -> all.add(settings.named(name)));
            return List.copyOf(all);
        }

        @Override
        public String toString() {
            return "OpenAi[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? null : "***") + ", model=" + model
                    + ", channels=" + channels + "]";
        }
    }

    /**
     * One further upstream channel as configured ({@code imagegate.generation.openai.channels.<name>.*}).
     *
     * @param baseUrl the base URL (without {@code /v1})
     * @param apiKey its key, from the environment only
     * @param model the model it is sent; unset: {@code imagegate.generation.openai.model}
     * @param weight share of the calls among channels of the same priority
     * @param priority channels of the highest priority are used first; lower ones when those fail or cool down
     */
    public record ChannelSettings(
            URI baseUrl,
            String apiKey,
            String model,
            @DefaultValue("1") int weight,
            @DefaultValue("0") int priority) {

        Channel named(String name) {
            return new Channel(name, baseUrl, apiKey, model, weight, priority);
        }

        @Override
        public String toString() {
            return "ChannelSettings[baseUrl=" + baseUrl + ", apiKey=***, model=" + model + ", weight=" + weight
                    + ", priority=" + priority + "]";
        }
    }

    /**
     * One OpenAI-compatible upstream, as used.
     *
     * @param name shown in the admin console and the task timeline
     * @param baseUrl the base URL (without {@code /v1})
     * @param apiKey its key
     * @param model the model it is sent; unset: {@code imagegate.generation.openai.model}
     * @param weight share of the calls among channels of the same priority
     * @param priority channels of the highest priority are used first; lower ones when those fail or cool down
     */
    public record Channel(String name, URI baseUrl, String apiKey, String model, int weight, int priority) {

        public Channel {
            if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException(
                        "imagegate.generation.openai.channels: a channel name must be 1-64 letters, digits or ._-: "
                                + name);
            }
            if (baseUrl == null
                    || baseUrl.getHost() == null
                    || !List.of("http", "https").contains(String.valueOf(baseUrl.getScheme()))) {
                throw new IllegalArgumentException(
                        "imagegate.generation.openai.channels." + name + ".base-url must be an http(s) URL");
            }
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException(
                        "imagegate.generation.openai.channels." + name + ".api-key must be set");
            }
            if (weight < 1) {
                throw new IllegalArgumentException(
                        "imagegate.generation.openai.channels." + name + ".weight must be at least 1");
            }
        }

        @Override
        public String toString() {
            return "Channel[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=***, model=" + model + ", weight="
                    + weight + ", priority=" + priority + "]";
        }
    }

    /**
     * @param standard credits per image at 1024x1024, 1536x1024, 1024x1536 or auto
     * @param fullHd credits per image at 1920x1088 or 1088x1920
     * @param uhd4k credits per image at 3824x2160 or 2160x3824
     * @param enhancement credits per image enhancement
     */
    public record Prices(
            @DefaultValue("10") int standard,
            @DefaultValue("20") int fullHd,
            @DefaultValue("30") int uhd4k,
            @DefaultValue("10") int enhancement) {

        public Prices {
            if (standard <= 0 || fullHd <= 0 || uhd4k <= 0 || enhancement <= 0) {
                throw new IllegalArgumentException("imagegate.generation.prices.* must all be positive");
            }
        }
    }
}
