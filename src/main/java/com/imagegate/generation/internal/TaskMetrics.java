package com.imagegate.generation.internal;

import com.imagegate.generation.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * The generation path's metrics (on {@code /actuator/prometheus}): tasks accepted and ended by model, size and
 * outcome, how long tasks wait before a node starts them and how long they render, and the credits they move.
 */
@Component
class TaskMetrics {

    private final MeterRegistry registry;

    TaskMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void accepted(Task task) {
        Counter.builder("imagegate.tasks.accepted")
                .description("Tasks accepted")
                .tags(
                        "kind",
                        task.kind().wireValue(),
                        "model",
                        task.model(),
                        "size",
                        task.size().wireValue())
                .register(registry)
                .increment();
        if (task.credits() > 0) {
            credits("reserved", task.credits());
        }
    }

    /** A node started rendering the task: how long it waited since it was accepted. */
    void started(Task task, Instant now) {
        Timer.builder("imagegate.tasks.queue")
                .description("Time from accepting a task to a node starting it")
                .tags("kind", task.kind().wireValue())
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.between(task.createdAt(), now));
    }

    /** The task ended here; {@code rendering} is how long this node worked on it. */
    void ended(Task task, TaskStatus status, Duration rendering, long captured) {
        Counter.builder("imagegate.tasks.ended")
                .description("Tasks ended, by outcome")
                .tags(
                        "kind",
                        task.kind().wireValue(),
                        "model",
                        task.model(),
                        "size",
                        task.size().wireValue(),
                        "status",
                        status.wireValue())
                .register(registry)
                .increment();
        if (rendering != null) {
            Timer.builder("imagegate.tasks.render")
                    .description("Time a node spent rendering a task")
                    .tags("kind", task.kind().wireValue(), "status", status.wireValue())
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(rendering);
        }
        if (captured > 0) {
            credits("captured", captured);
        }
        if (task.credits() - captured > 0) {
            credits("released", task.credits() - captured);
        }
    }

    private void credits(String movement, long amount) {
        Counter.builder("imagegate.credits")
                .description("Credits moved by tasks")
                .baseUnit("credits")
                .tags("movement", movement)
                .register(registry)
                .increment(amount);
    }
}
