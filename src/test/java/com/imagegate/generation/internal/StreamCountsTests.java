package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.generation.GenerationException;
import com.imagegate.generation.TaskEventLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StreamCountsTests {

    static TaskEventLimits limits(String pool, int max) {
        return new TaskEventLimits(pool, max, Duration.ofSeconds(15), Duration.ofMinutes(30));
    }

    @Test
    void aWorkspaceHoldsAtMostItsCapPerPoolAndAPlaceIsGivenBackOnce() {
        var counts = new StreamCounts();
        Runnable first = counts.hold("ws_1", limits("api", 2));
        counts.hold("ws_1", limits("api", 2));
        assertThatThrownBy(() -> counts.hold("ws_1", limits("api", 2)))
                .isInstanceOfSatisfying(
                        GenerationException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(GenerationException.Reason.TOO_MANY_STREAMS))
                .hasMessageContaining("2 per workspace");
        // Another pool and another workspace count apart.
        counts.hold("ws_1", limits("studio", 1));
        counts.hold("ws_2", limits("api", 1));
        assertThat(counts.open("api", "ws_1")).isEqualTo(2);
        assertThat(counts.open("studio", "ws_1")).isEqualTo(1);

        first.run();
        first.run(); // a second end of the same stream gives nothing more back
        assertThat(counts.open("api", "ws_1")).isEqualTo(1);
        counts.hold("ws_1", limits("api", 2));
        assertThatThrownBy(() -> counts.hold("ws_1", limits("api", 2))).isInstanceOf(GenerationException.class);
    }

    @Test
    void aWorkspaceWithNoStreamsLeavesNoEntry() {
        var counts = new StreamCounts();
        Runnable a = counts.hold("ws_1", limits("api", 5));
        Runnable b = counts.hold("ws_1", limits("api", 5));
        a.run();
        b.run();
        assertThat(counts.open("api", "ws_1")).isZero();
        assertThat(counts.entries()).isZero();
    }

    @Test
    void concurrentOpensNeverPassTheCapAndConcurrentEndsFreeEveryPlace() throws Exception {
        var counts = new StreamCounts();
        int cap = 50;
        int tries = 400;
        var held = new ConcurrentLinkedQueue<Runnable>();
        var refused = new AtomicInteger();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int i = 0; i < tries; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    try {
                        held.add(counts.hold("ws_1", limits("api", cap)));
                    } catch (GenerationException e) {
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(held).hasSize(cap);
            assertThat(refused.get()).isEqualTo(tries - cap);
            assertThat(counts.open("api", "ws_1")).isEqualTo(cap);

            // Each place released twice, from two threads at once: every place comes back exactly once.
            var ends = new ArrayList<java.util.concurrent.Future<?>>();
            for (Runnable release : held) {
                ends.add(pool.submit(release));
                ends.add(pool.submit(release));
            }
            for (var f : ends) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(counts.open("api", "ws_1")).isZero();
        assertThat(counts.entries()).isZero();
    }
}
