package com.imagegate.generation.internal;

import com.imagegate.generation.TaskEvent;
import com.imagegate.generation.TaskEvent.Kind;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.TaskView;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A task's events, derived from its row alone, so that any node can replay any stream: a task's life is pending (1),
 * processing (2, iff it has a {@code started_at}), ended (3), and while pending its queue place. An event's id names
 * the step it reports ({@code 1}, {@code 1.<position>.<eta>}, {@code 2}, {@code 3}); given the id a client saw last
 * and the task now, {@link #after} lists exactly the steps it has not seen, in order, none twice.
 */
final class TaskEventLog {

    private static final Pattern ID = Pattern.compile("([123])(?:\\.(\\d{1,9})\\.(\\d{0,12}))?");

    private TaskEventLog() {}

    /** What the events are made from: the task's status, whether it ever started, and its queue place if pending. */
    record State(TaskStatus status, boolean started, TaskView.Queue queue) {

        static State of(TaskView task) {
            return new State(
                    task.status(), task.startedAt() != null, task.status() == TaskStatus.PENDING ? task.queue() : null);
        }

        int seq() {
            return seq(status);
        }

        static int seq(TaskStatus status) {
            return switch (status) {
                case PENDING -> 1;
                case PROCESSING -> 2;
                default -> 3;
            };
        }
    }

    /** The last step a client saw. */
    record Cursor(int seq, TaskView.Queue queue) {

        String id() {
            return queue == null
                    ? String.valueOf(seq)
                    : seq + "." + queue.position() + "." + (queue.etaSeconds() == null ? "" : queue.etaSeconds());
        }

        /** The cursor an event id stands for; null for anything that is not one. */
        static Cursor parse(String id) {
            if (id == null) {
                return null;
            }
            var match = ID.matcher(id.strip());
            if (!match.matches()) {
                return null;
            }
            int seq = Integer.parseInt(match.group(1));
            if (match.group(2) == null) {
                return new Cursor(seq, null);
            }
            if (seq != 1) {
                return null;
            }
            String eta = match.group(3);
            return new Cursor(
                    1, new TaskView.Queue(Integer.parseInt(match.group(2)), eta.isEmpty() ? null : Long.valueOf(eta)));
        }
    }

    /**
     * One event to send.
     *
     * @param asProcessing a {@code status: processing} event replayed after the task ended: its body is the task as
     *     it was while processing ({@link TaskView#asProcessing()})
     */
    record Step(Kind kind, Cursor cursor, boolean asProcessing) {

        TaskEvent event(TaskView task) {
            return switch (kind) {
                case QUEUE -> new TaskEvent(cursor.id(), kind, null, cursor.queue());
                case STATUS -> new TaskEvent(cursor.id(), kind, asProcessing ? task.asProcessing() : task, null);
                default -> new TaskEvent(cursor.id(), kind, task, null);
            };
        }
    }

    /**
     * The steps after {@code seen} (null: nothing seen, or an id that cannot be this task's) up to {@code now}. With
     * nothing seen: the current status (with the queue place if pending), or the final event alone if the task ended.
     */
    static List<Step> after(Cursor seen, State now) {
        List<Step> steps = new ArrayList<>();
        int seq = now.seq();
        if (seen != null && seen.seq() > seq) {
            seen = null; // not this task's history: start over from the task as it is
        }
        if (seen == null) {
            switch (seq) {
                case 1 -> {
                    steps.add(new Step(Kind.STATUS, new Cursor(1, null), false));
                    if (now.queue() != null) {
                        steps.add(new Step(Kind.QUEUE, new Cursor(1, now.queue()), false));
                    }
                }
                case 2 -> steps.add(new Step(Kind.STATUS, new Cursor(2, null), false));
                default -> steps.add(new Step(finalKind(now.status()), new Cursor(3, null), false));
            }
            return steps;
        }
        if (seq == 1) {
            if (now.queue() != null && !Objects.equals(seen.queue(), now.queue())) {
                steps.add(new Step(Kind.QUEUE, new Cursor(1, now.queue()), false));
            }
            return steps;
        }
        if (seen.seq() < 2 && now.started()) {
            steps.add(new Step(Kind.STATUS, new Cursor(2, null), seq == 3));
        }
        if (seq == 3 && seen.seq() < 3) {
            steps.add(new Step(finalKind(now.status()), new Cursor(3, null), false));
        }
        return steps;
    }

    static Kind finalKind(TaskStatus status) {
        return switch (status) {
            case SUCCEEDED -> Kind.COMPLETED;
            case FAILED -> Kind.FAILED;
            case CANCELED -> Kind.CANCELED;
            default -> throw new IllegalArgumentException("not final: " + status);
        };
    }
}
