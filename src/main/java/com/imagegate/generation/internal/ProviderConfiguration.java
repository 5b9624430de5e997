package com.imagegate.generation.internal;

import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.provider.ImageProvider;
import com.imagegate.generation.provider.SandboxProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ProviderConfiguration {

    ProviderConfiguration(GenerationProperties properties) {
        if (properties.provider() == GenerationProperties.Provider.OPENAI) {
            throw new IllegalStateException("imagegate.generation.provider=openai is not available in this version yet;"
                    + " use sandbox (the default)");
        }
    }

    /** The sandbox renderer: the default, and always the one for test keys. */
    @Bean
    ImageProvider sandboxProvider(GenerationProperties properties) {
        return new SandboxProvider(properties.sandbox());
    }
}
