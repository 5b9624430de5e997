package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.generation.TaskEvent.Kind;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.TaskView;
import com.imagegate.generation.internal.TaskEventLog.Cursor;
import com.imagegate.generation.internal.TaskEventLog.State;
import com.imagegate.generation.internal.TaskEventLog.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which events a stream sends, from what its client saw last and the task's row now. */
class TaskEventLogTests {

    static final State PENDING_3 = new State(TaskStatus.PENDING, false, new TaskView.Queue(3, 40L));
    static final State PENDING_2 = new State(TaskStatus.PENDING, false, new TaskView.Queue(2, 30L));
    static final State PROCESSING = new State(TaskStatus.PROCESSING, true, null);
    static final State SUCCEEDED = new State(TaskStatus.SUCCEEDED, true, null);
    static final State CANCELED_WHILE_PENDING = new State(TaskStatus.CANCELED, false, null);

    static final TaskEventLog.PartialLinks NO_LINKS = (task, k) -> {
        throw new AssertionError("no partial here");
    };

    static State processingWith(int partials) {
        return new State(TaskStatus.PROCESSING, true, null, partials);
    }

    static List<String> ids(List<Step> steps) {
        return steps.stream()
                .map(s -> s.kind().wireValue() + "#" + s.cursor().id())
                .toList();
    }

    @Test
    void aFreshStreamGetsTheTaskAsItIsNow() {
        assertThat(ids(TaskEventLog.after(null, PENDING_3))).containsExactly("status#1", "queue#1.3.40");
        assertThat(ids(TaskEventLog.after(null, PROCESSING))).containsExactly("status#2");
        assertThat(ids(TaskEventLog.after(null, SUCCEEDED))).containsExactly("completed#3");
        assertThat(ids(TaskEventLog.after(null, new State(TaskStatus.FAILED, true, null))))
                .containsExactly("failed#3");
        assertThat(ids(TaskEventLog.after(null, CANCELED_WHILE_PENDING))).containsExactly("canceled#3");
    }

    @Test
    void aResumedStreamGetsOnlyWhatCameAfterItsLastId() {
        Cursor sawQueue3 = Cursor.parse("1.3.40");
        assertThat(ids(TaskEventLog.after(sawQueue3, PENDING_3))).isEmpty();
        assertThat(ids(TaskEventLog.after(sawQueue3, PENDING_2))).containsExactly("queue#1.2.30");
        assertThat(ids(TaskEventLog.after(sawQueue3, PROCESSING))).containsExactly("status#2");
        assertThat(ids(TaskEventLog.after(Cursor.parse("2"), PROCESSING))).isEmpty();
        assertThat(ids(TaskEventLog.after(Cursor.parse("2"), SUCCEEDED))).containsExactly("completed#3");
        assertThat(ids(TaskEventLog.after(Cursor.parse("3"), SUCCEEDED))).isEmpty();
    }

    @Test
    void withinOnePlaceTheEstimateOnlyGoesDownSoNoIdRepeats() {
        Cursor saw = Cursor.parse("1.2.2");
        assertThat(ids(TaskEventLog.after(saw, new State(TaskStatus.PENDING, false, new TaskView.Queue(2, 4L)))))
                .isEmpty();
        assertThat(ids(TaskEventLog.after(saw, new State(TaskStatus.PENDING, false, new TaskView.Queue(2, 1L)))))
                .containsExactly("queue#1.2.1");
        // A new place is always sent, whatever its estimate.
        assertThat(ids(TaskEventLog.after(saw, new State(TaskStatus.PENDING, false, new TaskView.Queue(1, 4L)))))
                .containsExactly("queue#1.1.4");
    }

    @Test
    void aProcessingStepMissedBetweenReadsIsReplayedFromStartedAt() {
        var steps = TaskEventLog.after(Cursor.parse("1"), SUCCEEDED);
        assertThat(ids(steps)).containsExactly("status#2", "completed#3");
        assertThat(steps.getFirst().asProcessing()).isTrue();
        // A task canceled while pending never processed: no processing step.
        assertThat(ids(TaskEventLog.after(Cursor.parse("1.3.40"), CANCELED_WHILE_PENDING)))
                .containsExactly("canceled#3");
    }

    @Test
    void anIdThatCannotBeThisTasksStartsOver() {
        assertThat(Cursor.parse("garbage")).isNull();
        assertThat(Cursor.parse("2.1.5")).isNull();
        assertThat(Cursor.parse("4")).isNull();
        assertThat(ids(TaskEventLog.after(Cursor.parse("3"), PENDING_3))).containsExactly("status#1", "queue#1.3.40");
        assertThat(Cursor.parse("1.4.").queue()).isEqualTo(new TaskView.Queue(4, null));
        assertThat(Cursor.parse("1.4.").id()).isEqualTo("1.4.");
    }

    @Test
    void eventsOfEachKindCarryTheirPayload() {
        var task = new TaskView(
                "task_1",
                TaskStatus.SUCCEEDED,
                "gpt-image-2",
                java.time.Instant.EPOCH,
                10,
                1,
                "1024x1024",
                "auto",
                "png",
                null,
                List.of(new TaskView.Image("http://x/files/a.png", 1024, 1024)),
                null,
                false,
                10L,
                java.time.Instant.EPOCH,
                java.time.Instant.EPOCH,
                com.imagegate.generation.TaskKind.GENERATION,
                "p",
                null);
        var steps = TaskEventLog.after(Cursor.parse("1"), SUCCEEDED);
        var processing = steps.get(0).event(task, NO_LINKS);
        assertThat(processing.kind()).isEqualTo(Kind.STATUS);
        assertThat(processing.task().status()).isEqualTo(TaskStatus.PROCESSING);
        assertThat(processing.task().images()).isEmpty();
        assertThat(processing.task().finishedAt()).isNull();
        var completed = steps.get(1).event(task, NO_LINKS);
        assertThat(completed.kind()).isEqualTo(Kind.COMPLETED);
        assertThat(completed.task()).isSameAs(task);
        var queue = TaskEventLog.after(null, PENDING_3).get(1).event(null, NO_LINKS);
        assertThat(queue.queue()).isEqualTo(new TaskView.Queue(3, 40L));
        assertThat(queue.id()).isEqualTo("1.3.40");
    }

    @Test
    void partialImagesFollowTheProcessingStatusOneIdEach() {
        assertThat(ids(TaskEventLog.after(null, processingWith(2))))
                .containsExactly("status#2", "partial_image#2.1", "partial_image#2.2");
        assertThat(ids(TaskEventLog.after(Cursor.parse("2"), processingWith(1))))
                .containsExactly("partial_image#2.1");
        assertThat(ids(TaskEventLog.after(Cursor.parse("2.1"), processingWith(1))))
                .isEmpty();
        assertThat(ids(TaskEventLog.after(Cursor.parse("2.1"), processingWith(3))))
                .containsExactly("partial_image#2.2", "partial_image#2.3");
        assertThat(ids(TaskEventLog.after(Cursor.parse("1.2.30"), processingWith(1))))
                .containsExactly("status#2", "partial_image#2.1");
        // Missed partials of an ended task are replayed before its end while their files are kept …
        var ended = new State(TaskStatus.SUCCEEDED, true, null, 2);
        assertThat(ids(TaskEventLog.after(Cursor.parse("2.1"), ended)))
                .containsExactly("partial_image#2.2", "completed#3");
        assertThat(ids(TaskEventLog.after(Cursor.parse("1"), ended)))
                .containsExactly("status#2", "partial_image#2.1", "partial_image#2.2", "completed#3");
        // … and not after the sweeper removed them (the counter is back to 0); a fresh stream gets the end alone.
        assertThat(ids(TaskEventLog.after(Cursor.parse("2.1"), SUCCEEDED))).containsExactly("completed#3");
        assertThat(ids(TaskEventLog.after(null, ended))).containsExactly("completed#3");
    }

    @Test
    void aPartialIdPastTheTasksStartsOver() {
        assertThat(Cursor.parse("2.2").ahead(processingWith(1))).isTrue();
        assertThat(ids(TaskEventLog.after(Cursor.parse("2.2"), processingWith(1))))
                .containsExactly("status#2", "partial_image#2.1");
        assertThat(Cursor.parse("2.0")).isNull();
        assertThat(Cursor.parse("1.1")).isNull();
        assertThat(Cursor.parse("3.1")).isNull();
    }

    @Test
    void aPartialEventCarriesItsIndexFromZeroAndItsLink() {
        var step = TaskEventLog.after(Cursor.parse("2.1"), processingWith(2)).getFirst();
        var event = step.event(null, (task, k) -> new com.imagegate.generation.TaskEvent.Partial(k - 1, "link" + k));
        assertThat(event.kind()).isEqualTo(Kind.PARTIAL_IMAGE);
        assertThat(event.id()).isEqualTo("2.2");
        assertThat(event.partial()).isEqualTo(new com.imagegate.generation.TaskEvent.Partial(1, "link2"));
    }

    @Test
    void theMedianOfRenderTimes() {
        assertThat(TaskQueue.median(List.of(5L, 1L, 3L))).isEqualTo(3);
        assertThat(TaskQueue.median(List.of(4L, 1L, 3L, 2L))).isEqualTo(2);
    }
}
