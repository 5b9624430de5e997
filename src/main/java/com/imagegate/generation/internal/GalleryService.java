package com.imagegate.generation.internal;

import com.imagegate.generation.Gallery;
import com.imagegate.generation.GalleryPage;
import com.imagegate.generation.GalleryQuery;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.spi.ImageStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** The gallery: pages of tasks with their kept images, and deleting an image (row first, then its file). */
@Service
class GalleryService implements Gallery {

    private static final Logger log = LoggerFactory.getLogger(GalleryService.class);

    private final GalleryTasks tasks;
    private final Tasks allTasks;
    private final TaskImages images;
    private final TaskViews views;
    private final ImageStore store;
    private final TransactionTemplate transactions;
    private final Clock clock;

    GalleryService(
            GalleryTasks tasks,
            Tasks allTasks,
            TaskImages images,
            TaskViews views,
            ImageStore store,
            TransactionTemplate transactions,
            Clock clock) {
        this.tasks = tasks;
        this.allTasks = allTasks;
        this.images = images;
        this.views = views;
        this.store = store;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public GalleryPage page(String workspaceId, GalleryQuery query) {
        TaskCursor after = TaskCursor.decode(query.after());
        List<Task> page = tasks.page(
                workspaceId,
                after == null ? null : after.createdAt(),
                after == null ? null : after.id(),
                likePattern(query.search()),
                query.status(),
                query.size() == null ? null : query.size().wireValue(),
                startOf(query.from()),
                query.to() == null ? null : startOf(query.to().plusDays(1)),
                PageRequest.of(0, query.limit() + 1));
        boolean more = page.size() > query.limit();
        List<Task> shown = more ? page.subList(0, query.limit()) : page;
        List<String> succeeded = shown.stream()
                .filter(t -> t.status() == TaskStatus.SUCCEEDED)
                .map(Task::id)
                .toList();
        Map<String, List<TaskImage>> kept = succeeded.isEmpty()
                ? Map.of()
                : images.findByTaskIdInOrderByPosition(succeeded).stream()
                        .filter(i -> !i.deleted())
                        .collect(Collectors.groupingBy(TaskImage::taskId));
        var taskViews = views.views(shown);
        var items = new ArrayList<GalleryPage.Item>(shown.size());
        for (int i = 0; i < shown.size(); i++) {
            Task task = shown.get(i);
            var taskImages = kept.getOrDefault(task.id(), List.of()).stream()
                    .map(image ->
                            new GalleryPage.Image(image.position(), views.url(image), image.width(), image.height()))
                    .toList();
            items.add(new GalleryPage.Item(taskViews.get(i), task.prompt() == null ? "" : task.prompt(), taskImages));
        }
        String next = more
                ? new TaskCursor(shown.getLast().createdAt(), shown.getLast().id()).encode()
                : null;
        return new GalleryPage(List.copyOf(items), next);
    }

    @Override
    public void deleteImage(String workspaceId, String taskId, int index) {
        String storageKey = transactions.execute(status -> {
            Task task = allTasks.findById(taskId)
                    .filter(t -> t.workspaceId().equals(workspaceId))
                    .orElseThrow(GalleryService::noSuchImage);
            TaskImage image = images.findByTaskIdOrderByPosition(task.id()).stream()
                    .filter(i -> i.position() == index && !i.deleted())
                    .findFirst()
                    .orElseThrow(GalleryService::noSuchImage);
            image.markDeleted(clock.instant());
            return image.storageKey();
        });
        try {
            store.delete(storageKey);
        } catch (RuntimeException e) {
            // The image is gone for everyone already (its link answers 410); the file is left for an operator.
            log.warn("Deleted image {} of task {} but could not remove its file", index, taskId, e);
        }
    }

    private static GenerationException noSuchImage() {
        return new GenerationException(GenerationException.Reason.NOT_FOUND, "No such image in this workspace.");
    }

    private static Instant startOf(LocalDate day) {
        return day == null ? null : day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** A LIKE pattern matching the text anywhere, with LIKE's own wildcards in it taken literally. */
    static String likePattern(String search) {
        if (search == null) {
            return null;
        }
        String escaped = search.toLowerCase(Locale.ROOT)
                .replace("!", "!!")
                .replace("%", "!%")
                .replace("_", "!_");
        return "%" + escaped + "%";
    }
}
