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
 * processing (2, iff it has a {@code started_at}), its partial images (the row's {@code partials} counter), ended (3),
 * and while pending its queue place. An event's id names the step it reports ({@code 1}, {@code 1.<position>.<eta>},
 * {@code 2}, {@code 2.<k>} the k-th partial, {@code 3}); given the id a client saw last and the task now, {@link
 * #after} lists exactly the steps it has not seen, in order, none twice.
 */
final class TaskEventLog {

    private static final Pattern ID = Pattern.compile("([123])(?:\\.(\\d{1,9})\\.(\\d{0,12}))?");
    private static final Pattern PARTIAL_ID = Pattern.compile("2\\.([1-9]\\d?)");

    /** The signed link of a task's k-th partial image (k from 1). */
    interface PartialLinks {
        TaskEvent.Partial link(TaskView task, int k);
    }

    private TaskEventLog() {}

    /**
     * What the events are made from: the task's status, whether it ever started, its queue place if pending, and how
     * many partial images it has stored.
     */
    record State(TaskStatus status, boolean started, TaskView.Queue queue, int partials) {

        State(TaskStatus status, boolean started, TaskView.Queue queue) {
            this(status, started, queue, 0);
        }

        /** The task as read, with the partials counter of the row read with it. */
        static State of(TaskView task, int partials) {
            return new State(
                    task.status(),
                    task.startedAt() != null,
                    task.status() == TaskStatus.PENDING ? task.queue() : null,
                    partials);
        }

        static State of(TaskView task) {
            return of(task, 0);
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

    /** The last step a client saw: its seq, its queue place (seq 1) or how many partials it saw (seq 2). */
    record Cursor(int seq, TaskView.Queue queue, int partials) {

        Cursor(int seq, TaskView.Queue queue) {
            this(seq, queue, 0);
        }

        String id() {
            if (partials > 0) {
                return seq + "." + partials;
            }
            return queue == null
                    ? String.valueOf(seq)
                    : seq + "." + queue.position() + "." + (queue.etaSeconds() == null ? "" : queue.etaSeconds());
        }

        /** True when this cursor is past {@code now}: an older read, or not an id of this task. */
        boolean ahead(State now) {
            return seq > now.seq() || (seq == 2 && now.seq() == 2 && partials > now.partials());
        }

        /** The cursor an event id stands for; null for anything that is not one. */
        static Cursor parse(String id) {
            if (id == null) {
                return null;
            }
            var partial = PARTIAL_ID.matcher(id.strip());
            if (partial.matches()) {
                return new Cursor(2, null, Integer.parseInt(partial.group(1)));
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

        TaskEvent event(TaskView task, PartialLinks links) {
            return switch (kind) {
                case QUEUE -> new TaskEvent(cursor.id(), kind, null, cursor.queue());
                case PARTIAL_IMAGE -> new TaskEvent(cursor.id(), kind, null, null, links.link(task, cursor.partials()));
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
        if (seen != null && seen.ahead(now)) {
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
                case 2 -> {
                    steps.add(new Step(Kind.STATUS, new Cursor(2, null), false));
                    addPartials(steps, 0, now.partials());
                }
                default -> steps.add(new Step(finalKind(now.status()), new Cursor(3, null), false));
            }
            return steps;
        }
        if (seq == 1) {
            if (now.queue() != null
                    && !Objects.equals(seen.queue(), now.queue())
                    && !risesInPlace(seen.queue(), now.queue())) {
                steps.add(new Step(Kind.QUEUE, new Cursor(1, now.queue()), false));
            }
            return steps;
        }
        if (seen.seq() < 2 && now.started()) {
            steps.add(new Step(Kind.STATUS, new Cursor(2, null), seq == 3));
        }
        if (now.started() && seen.seq() <= 2) {
            addPartials(steps, seen.seq() == 2 ? seen.partials() : 0, now.partials());
        }
        if (seq == 3 && seen.seq() < 3) {
            steps.add(new Step(finalKind(now.status()), new Cursor(3, null), false));
        }
        return steps;
    }

    /**
     * The estimate went up while the place stayed: not sent. It counts down as the renders ahead go on, and a read
     * between one render's end and the next one's claim can see it up for a moment; sending that would repeat an id
     * already sent (ids must not repeat), so within one place a stream's estimate only goes down.
     */
    private static boolean risesInPlace(TaskView.Queue seen, TaskView.Queue now) {
        return seen != null
                && seen.position() == now.position()
                && seen.etaSeconds() != null
                && now.etaSeconds() != null
                && now.etaSeconds() > seen.etaSeconds();
    }

    private static void addPartials(List<Step> steps, int seen, int now) {
        for (int k = seen + 1; k <= now; k++) {
            steps.add(new Step(Kind.PARTIAL_IMAGE, new Cursor(2, null, k), false));
        }
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
