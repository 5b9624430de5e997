package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The arithmetic of a pending task's estimate ({@link TaskQueue#etaMillis}). */
class TaskQueueTests {

    static final long MEDIAN = 10_000;

    @Test
    void withNothingRenderingTheFirstInLineStartsAtOnce() {
        assertThat(TaskQueue.etaMillis(1, MEDIAN, new long[0])).isEqualTo(10_000);
        assertThat(TaskQueue.etaMillis(3, MEDIAN, new long[0])).isEqualTo(30_000);
    }

    /** A render ending and the next starting does not make the estimate of the tasks behind jump. */
    @Test
    void theEstimateDoesNotJumpWhenARenderEndsAndTheNextStarts() {
        // Third in line (position 2) while the first renders its last moment, then nothing renders, then the
        // second starts and it is first in line.
        long nearEnd = TaskQueue.etaMillis(2, MEDIAN, new long[] {MEDIAN});
        long between = TaskQueue.etaMillis(2, MEDIAN, new long[0]);
        long nextStarted = TaskQueue.etaMillis(1, MEDIAN, new long[] {0});
        assertThat(nearEnd).isEqualTo(between).isEqualTo(nextStarted).isEqualTo(2 * MEDIAN);
    }

    @Test
    void theTimeATaskAheadHasRenderedAlreadyIsTakenOffTheWait() {
        // One slot, its task 6 s into a 10 s median: 4 s left, then this task's own 10 s.
        assertThat(TaskQueue.etaMillis(1, MEDIAN, new long[] {6_000})).isEqualTo(14_000);
        // Second in line: the 4 s left, one more full render, then its own.
        assertThat(TaskQueue.etaMillis(2, MEDIAN, new long[] {6_000})).isEqualTo(24_000);
        // Just started: as if nothing had rendered.
        assertThat(TaskQueue.etaMillis(1, MEDIAN, new long[] {0})).isEqualTo(20_000);
    }

    @Test
    void withSeveralSlotsEachTaskAheadTakesTheSoonestFreeOne() {
        long[] elapsed = {1_000, 9_000, 5_000}; // 9 s, 1 s and 5 s left
        assertThat(TaskQueue.etaMillis(1, MEDIAN, elapsed)).isEqualTo(1_000 + MEDIAN);
        assertThat(TaskQueue.etaMillis(2, MEDIAN, elapsed)).isEqualTo(5_000 + MEDIAN);
        assertThat(TaskQueue.etaMillis(3, MEDIAN, elapsed)).isEqualTo(9_000 + MEDIAN);
        // The fourth waits for the first slot's second round.
        assertThat(TaskQueue.etaMillis(4, MEDIAN, elapsed)).isEqualTo(1_000 + MEDIAN + MEDIAN);
        assertThat(TaskQueue.etaMillis(7, MEDIAN, elapsed)).isEqualTo(1_000 + 2 * MEDIAN + MEDIAN);
    }

    @Test
    void aTaskRenderingPastTheMedianOrWithAClockAheadNeverMakesTheWaitNegativeNorLonger() {
        // 25 s into a 10 s median: it may end any moment, so only this task's own render is left.
        assertThat(TaskQueue.etaMillis(1, MEDIAN, new long[] {25_000})).isEqualTo(MEDIAN);
        // A start time in the future (another node's clock ahead): no more than a full median for it.
        assertThat(TaskQueue.etaMillis(1, MEDIAN, new long[] {-3_000})).isEqualTo(2 * MEDIAN);
        assertThat(TaskQueue.etaMillis(1, 0, new long[] {5_000})).isZero();
        assertThatIllegalArgumentException().isThrownBy(() -> TaskQueue.etaMillis(0, MEDIAN, new long[0]));
    }

    /** Against a step-by-step queue: slots free in order, each task ahead takes the soonest one. */
    @Test
    void matchesASimulatedQueueForRandomSlotsAndPositions() {
        Random random = new Random(21);
        for (int run = 0; run < 2_000; run++) {
            long median = 1 + random.nextInt(200_000);
            long[] elapsed = new long[random.nextInt(6)];
            for (int i = 0; i < elapsed.length; i++) {
                elapsed[i] = random.nextLong(-median, 3 * median);
            }
            int position = 1 + random.nextInt(40);

            var free = new java.util.PriorityQueue<Long>();
            if (elapsed.length == 0) {
                free.add(0L);
            }
            for (long e : elapsed) {
                free.add(Math.min(median, Math.max(0, median - Math.max(0, e))));
            }
            long start = 0;
            for (int p = 1; p <= position; p++) {
                start = free.poll();
                free.add(start + median);
            }
            long eta = TaskQueue.etaMillis(position, median, elapsed);
            assertThat(eta).as("run %d", run).isEqualTo(start + median).isNotNegative();
            assertThat(eta)
                    .as("never above the old estimate, which ignored the time rendered")
                    .isLessThanOrEqualTo(
                            median * ((position + Math.max(1, elapsed.length) - 1L) / Math.max(1, elapsed.length) + 1));
        }
    }
}
