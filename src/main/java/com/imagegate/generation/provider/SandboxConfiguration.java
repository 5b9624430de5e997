package com.imagegate.generation.provider;

import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.spi.ImageProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SandboxConfiguration {

    /** The sandbox renderer: the default, and always the one for test keys. */
    @Bean
    ImageProvider sandboxProvider(GenerationProperties properties, ImageGuard guard) {
        return new SandboxProvider(properties.sandbox(), guard);
    }
}
