package com.imagegate.generation.internal;

import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ImageProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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

    /** The pixel limit every image passes before it is decoded, shared by every module that reads images. */
    @Bean
    ImageGuard imageGuard(ImageProperties properties) {
        return new ImageGuard(properties);
    }
}
