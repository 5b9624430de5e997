package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import com.imagegate.generation.GenerationProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class ProviderConfigurationTests {

    static GenerationProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("imagegate.generation", GenerationProperties.class);
    }

    @Test
    void theOpenAiProviderNeedsAChannel() {
        assertThatIllegalStateException()
                .isThrownBy(() -> new ProviderConfiguration(bind(Map.of("imagegate.generation.provider", "openai"))))
                .withMessageContaining("IMAGEGATE_GENERATION_OPENAI_API_KEY");
        assertThatNoException()
                .isThrownBy(() -> new ProviderConfiguration(bind(Map.of(
                        "imagegate.generation.provider", "openai", "imagegate.generation.openai.api-key", "sk"))));
    }

    @Test
    void theDeadlineMustEndBeforeTheSweeperGivesUpOnTheTask() {
        assertThatIllegalStateException()
                .isThrownBy(() -> new ProviderConfiguration(bind(Map.of(
                        "imagegate.generation.provider", "openai",
                        "imagegate.generation.openai.api-key", "sk",
                        "imagegate.generation.openai.deadline", "15m"))))
                .withMessageContaining("stuck-timeout");
    }
}
