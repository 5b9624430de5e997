package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.generation.GenerationProperties.Provider;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Quality;
import com.imagegate.generation.TaskKind;
import com.imagegate.generation.TaskSource;
import com.imagegate.generation.TaskStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The typed task columns keep the lowercase strings the database, the SQL reports and the metrics have always had. */
class TaskColumnsTests {

    @Test
    void theColumnsHoldTheLowercaseNames() {
        var source = new TaskColumns.Source();
        var kind = new TaskColumns.Kind();
        var provider = new TaskColumns.ProviderName();

        assertThat(source.convertToDatabaseColumn(TaskSource.API)).isEqualTo("api");
        assertThat(source.convertToDatabaseColumn(TaskSource.WEB)).isEqualTo("web");
        assertThat(kind.convertToDatabaseColumn(TaskKind.GENERATION)).isEqualTo("generation");
        assertThat(kind.convertToDatabaseColumn(TaskKind.ENHANCEMENT)).isEqualTo("enhancement");
        assertThat(provider.convertToDatabaseColumn(Provider.SANDBOX)).isEqualTo("sandbox");
        assertThat(provider.convertToDatabaseColumn(Provider.OPENAI)).isEqualTo("openai");

        assertThat(source.convertToEntityAttribute("web")).isEqualTo(TaskSource.WEB);
        assertThat(kind.convertToEntityAttribute("enhancement")).isEqualTo(TaskKind.ENHANCEMENT);
        assertThat(provider.convertToEntityAttribute("openai")).isEqualTo(Provider.OPENAI);
        assertThat(source.convertToEntityAttribute(null)).isNull();
        assertThat(source.convertToDatabaseColumn(null)).isNull();
    }

    @Test
    void anUnknownValueInTheDatabaseIsAnError() {
        assertThatThrownBy(() -> new TaskColumns.Kind().convertToEntityAttribute("upscale"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kind");
        assertThatThrownBy(() -> TaskColumns.provider("midjourney")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void metricsAreTaggedWithTheLowercaseKind() {
        var registry = new SimpleMeterRegistry();
        var metrics = new TaskMetrics(registry);
        var spec = new Task.NewTask(
                "ws_1",
                null,
                TaskSource.WEB,
                TaskKind.ENHANCEMENT,
                "gpt-image-2",
                null,
                null,
                1,
                ImageSize.AUTO,
                Quality.HIGH,
                OutputFormat.PNG,
                null,
                null,
                "req_1",
                2,
                0);
        var task = new Task("task_1", spec, 10, Provider.SANDBOX, "gpt-image-2", List.of(), null, Instant.EPOCH);

        metrics.accepted(task);
        metrics.ended(task, TaskStatus.SUCCEEDED, Duration.ofSeconds(1), 10);

        assertThat(registry.find("imagegate.tasks.accepted")
                        .tag("kind", "enhancement")
                        .counter())
                .isNotNull();
        assertThat(registry.find("imagegate.tasks.ended")
                        .tags("kind", "enhancement", "status", "succeeded")
                        .counter())
                .isNotNull();
        assertThat(registry.find("imagegate.tasks.render")
                        .tag("kind", "enhancement")
                        .timer())
                .isNotNull();
    }
}
