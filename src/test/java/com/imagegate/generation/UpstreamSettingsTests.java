package com.imagegate.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The upstream settings as Spring binds them from properties and environment variables. */
class UpstreamSettingsTests {

    static GenerationProperties.OpenAi bind(List<Map<String, String>> sources) {
        List<ConfigurationPropertySource> bound = sources.stream()
                .<ConfigurationPropertySource>map(MapConfigurationPropertySource::new)
                .toList();
        return bindSources(bound);
    }

    static GenerationProperties.OpenAi bindSources(Iterable<ConfigurationPropertySource> sources) {
        return new Binder(sources)
                .bindOrCreate("imagegate.generation", GenerationProperties.class)
                .openai();
    }

    @Test
    void withNothingSetThereIsNoChannelAndTheDefaultsAreGenerous() {
        var openai = bind(List.of(Map.of()));
        assertThat(openai.effectiveChannels()).isEmpty();
        assertThat(openai.model()).isEqualTo("gpt-image-2-2026-04-21");
        assertThat(openai.readTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(openai.deadline()).isEqualTo(Duration.ofMinutes(8));
        assertThat(openai.maxImagesPerCall()).isEqualTo(10);
    }

    @Test
    void theSingleKeyIsTheDefaultChannel() {
        var openai = bind(List.of(Map.of("imagegate.generation.openai.api-key", "sk-1")));
        assertThat(openai.effectiveChannels())
                .containsExactly(new GenerationProperties.Channel(
                        "default", URI.create("https://api.openai.com"), "sk-1", null, 1, 0));
        assertThat(openai.toString()).doesNotContain("sk-1");
    }

    @Test
    void aChannelsKeyFromTheEnvironmentMergesWithTheRestOfItFromAFile() {
        var environment = new SystemEnvironmentPropertySource(
                "systemEnvironment", Map.of("IMAGEGATE_GENERATION_OPENAI_CHANNELS_BACKUP_APIKEY", "sk-env"));
        var file = Map.of(
                "imagegate.generation.openai.channels.backup.base-url", "https://backup.example/",
                "imagegate.generation.openai.channels.backup.priority", "-1",
                "imagegate.generation.openai.channels.main.base-url", "https://main.example",
                "imagegate.generation.openai.channels.main.api-key", "sk-main",
                "imagegate.generation.openai.channels.main.weight", "3",
                "imagegate.generation.openai.channels.main.model", "gpt-image-2");

        var sources = new ArrayList<ConfigurationPropertySource>();
        ConfigurationPropertySources.from(environment).forEach(sources::add);
        sources.add(new MapConfigurationPropertySource(file));
        var openai = bindSources(sources);

        assertThat(openai.effectiveChannels())
                .containsExactlyInAnyOrder(
                        new GenerationProperties.Channel(
                                "backup", URI.create("https://backup.example/"), "sk-env", null, 1, -1),
                        new GenerationProperties.Channel(
                                "main", URI.create("https://main.example"), "sk-main", "gpt-image-2", 3, 0));
        assertThat(openai.toString()).doesNotContain("sk-env").doesNotContain("sk-main");
    }

    @Test
    void aChannelWithoutAKeyOrWithABadUrlIsRefusedAtStart() {
        assertThatThrownBy(() ->
                        bind(List.of(Map.of("imagegate.generation.openai.channels.x.base-url", "https://x.example"))))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessage("imagegate.generation.openai.channels.x.api-key must be set");
        assertThatThrownBy(() -> bind(List.of(Map.of(
                        "imagegate.generation.openai.channels.x.base-url", "ftp://x.example",
                        "imagegate.generation.openai.channels.x.api-key", "k"))))
                .rootCause()
                .hasMessage("imagegate.generation.openai.channels.x.base-url must be an http(s) URL");
        assertThatThrownBy(() -> bind(List.of(Map.of("imagegate.generation.openai.max-images-per-call", "11"))))
                .rootCause()
                .hasMessageContaining("max-images-per-call must be between 1 and 10");
    }
}
