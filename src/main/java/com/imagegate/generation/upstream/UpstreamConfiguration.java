package com.imagegate.generation.upstream;

import com.imagegate.fetch.FetchProperties;
import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ProtectionProperties;
import com.imagegate.generation.spi.ImageProvider;
import com.imagegate.generation.spi.PromptModeration;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class UpstreamConfiguration {

    @Bean
    AttemptLog upstreamAttemptLog(
            JdbcClient jdbc,
            GenerationProperties properties,
            Clock clock,
            MeterRegistry registry,
            PlatformTransactionManager transactions) {
        return new AttemptLog(
                jdbc, properties.tasks().retention(), clock, registry, new TransactionTemplate(transactions));
    }

    /** Each channel's price per image (what a call costs the operator). */
    @Bean
    PriceBook upstreamPriceBook(JdbcClient jdbc, Clock clock) {
        return new PriceBook(jdbc, clock);
    }

    /** The upstream channels and their health; present (possibly empty) whatever the provider, for the admin console. */
    @Bean
    ChannelRegistry upstreamChannels(
            GenerationProperties properties, JdbcClient jdbc, AttemptLog attempts, PriceBook prices, Clock clock) {
        return new ChannelRegistry(properties.openai(), jdbc, attempts, prices, properties.costCurrency(), clock);
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
            PriceBook prices,
            Clock clock) {
        return new OpenAiProvider(
                properties.openai(), channels, client, attempts, prices, properties.costCurrency(), clock);
    }

    /** The moderation pre-check's port, on the same channels and client (used only when the pre-check is enabled). */
    @Bean
    @ConditionalOnProperty(name = "imagegate.generation.provider", havingValue = "openai")
    PromptModeration upstreamModeration(
            ProtectionProperties protection, ChannelRegistry channels, OpenAiClient client, Clock clock) {
        return new UpstreamModeration(protection.moderation(), channels, client, clock);
    }
}
