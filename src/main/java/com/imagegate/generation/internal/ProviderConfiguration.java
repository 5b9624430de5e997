package com.imagegate.generation.internal;

import com.imagegate.generation.FetchProperties;
import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ImageProperties;
import com.imagegate.generation.provider.ImageProvider;
import com.imagegate.generation.provider.SandboxProvider;
import com.imagegate.generation.upstream.AttemptLog;
import com.imagegate.generation.upstream.ChannelRegistry;
import com.imagegate.generation.upstream.OpenAiClient;
import com.imagegate.generation.upstream.OpenAiProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ProviderConfiguration {

    ProviderConfiguration(GenerationProperties properties) {
        if (properties.provider() != GenerationProperties.Provider.OPENAI) {
            return;
        }
        if (properties.openai().effectiveChannels().isEmpty()) {
            throw new IllegalStateException("imagegate.generation.provider=openai needs an upstream: set"
                    + " imagegate.generation.openai.api-key (IMAGEGATE_GENERATION_OPENAI_API_KEY) and, for another"
                    + " server than OpenAI's, .base-url, or list imagegate.generation.openai.channels");
        }
        if (properties.openai().deadline().compareTo(properties.tasks().stuckTimeout()) >= 0) {
            throw new IllegalStateException("imagegate.generation.openai.deadline ("
                    + properties.openai().deadline() + ") must be shorter than"
                    + " imagegate.generation.tasks.stuck-timeout ("
                    + properties.tasks().stuckTimeout()
                    + "), or the sweeper fails tasks that are still retrying");
        }
    }

    /** The sandbox renderer: the default, and always the one for test keys. */
    @Bean
    ImageProvider sandboxProvider(GenerationProperties properties, ImageGuard guard) {
        return new SandboxProvider(properties.sandbox(), guard);
    }

    /** The pixel limit every image passes before it is decoded, shared by every module that reads images. */
    @Bean
    ImageGuard imageGuard(ImageProperties properties) {
        return new ImageGuard(properties);
    }

    @Bean
    AttemptLog upstreamAttemptLog(
            JdbcClient jdbc, GenerationProperties properties, Clock clock, MeterRegistry registry) {
        return new AttemptLog(jdbc, properties.tasks().retention(), clock, registry);
    }

    /** The upstream channels and their health; present (possibly empty) whatever the provider, for the admin console. */
    @Bean
    ChannelRegistry upstreamChannels(
            GenerationProperties properties, JdbcClient jdbc, AttemptLog attempts, Clock clock) {
        return new ChannelRegistry(properties.openai(), jdbc, attempts, clock);
    }

    @Bean
    @ConditionalOnProperty(name = "imagegate.generation.provider", havingValue = "openai")
    OpenAiClient openAiClient(GenerationProperties properties, FetchProperties fetch, Clock clock, ImageGuard guard) {
        return new OpenAiClient(
                properties.openai().connectTimeout(), fetch.allowPrivateHosts(), fetch.totalTimeout(), clock, guard);
    }

    /** The OpenAI-compatible upstream, for live keys when {@code imagegate.generation.provider=openai}. */
    @Bean
    @ConditionalOnProperty(name = "imagegate.generation.provider", havingValue = "openai")
    ImageProvider openAiProvider(
            GenerationProperties properties,
            ChannelRegistry channels,
            OpenAiClient client,
            AttemptLog attempts,
            Clock clock) {
        return new OpenAiProvider(properties.openai(), channels, client, attempts, clock);
    }
}
