package com.imagegate;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** Imagegate: sells AI image generation by the credit, in the browser and through an async REST API. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ImagegateApplication {

    public static void main(String[] args) {
        SpringApplication.run(ImagegateApplication.class, args);
    }

    /** The one clock every module reads, so tests can move time. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
