package com.imagegate.generation;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Generation settings.
 *
 * @param provider {@code sandbox} (local deterministic renderer) or {@code openai} (an OpenAI-compatible upstream);
 *     test keys always use the sandbox
 * @param sandbox the local renderer
 * @param openai the OpenAI-compatible upstream
 * @param prices credits per image by size class
 */
@ConfigurationProperties("imagegate.generation")
public record GenerationProperties(
        @DefaultValue("sandbox") Provider provider,
        @DefaultValue Sandbox sandbox,
        @DefaultValue OpenAi openai,
        @DefaultValue Prices prices,
        @DefaultValue Tasks tasks) {

    /**
     * How tasks run.
     *
     * @param localWorkers tasks this node starts at once itself, on accept, without waiting for JobRunr's poll
     * @param lease how long a node holds a task it renders before another may take it over; renewed while rendering
     * @param stuckTimeout a task processing longer than this is failed and refunded by the sweeper
     * @param retention how long generated images are kept; then they are deleted and their links answer 410
     * @param drainTimeout on shutdown, how long this node waits for the tasks it renders to finish before it leaves
     *     them to another node
     */
    public record Tasks(
            @DefaultValue("8") int localWorkers,
            @DefaultValue("60s") Duration lease,
            @DefaultValue("10m") Duration stuckTimeout,
            @DefaultValue("30d") Duration retention,
            @DefaultValue("20s") Duration drainTimeout) {

        public Tasks {
            if (localWorkers < 0) {
                throw new IllegalArgumentException("imagegate.generation.tasks.local-workers must not be negative");
            }
            if (lease.toSeconds() < 2) {
                throw new IllegalArgumentException("imagegate.generation.tasks.lease must be at least 2s");
            }
        }
    }

    public enum Provider {
        SANDBOX,
        OPENAI
    }

    /**
     * @param delay how long the sandbox takes per task
     * @param failTrigger a prompt containing this text fails in the sandbox (exercises the refund path)
     */
    public record Sandbox(
            @DefaultValue("1500ms") Duration delay,
            @DefaultValue("[[fail]]") String failTrigger) {}

    /**
     * @param baseUrl the upstream's base URL (without {@code /v1})
     * @param apiKey the upstream's key; from the environment only
     * @param model the model snapshot sent upstream
     */
    public record OpenAi(
            @DefaultValue("https://api.openai.com") URI baseUrl,
            String apiKey,
            @DefaultValue("gpt-image-2-2026-04-21") String model) {

        @Override
        public String toString() {
            return "OpenAi[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? null : "***") + ", model=" + model
                    + "]";
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
