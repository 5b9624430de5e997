package com.imagegate.generation.internal;

import com.imagegate.generation.StorageProperties;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.TaskView;
import com.imagegate.generation.storage.FileUrls;
import com.imagegate.generation.storage.ImageStore;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** Tasks as callers see them, with freshly signed image links. */
@Component
class TaskViews {

    private final TaskImages images;
    private final FileUrls fileUrls;
    private final StorageProperties storage;
    private final ImageStore store;

    TaskViews(TaskImages images, FileUrls fileUrls, StorageProperties storage, ImageStore store) {
        this.images = images;
        this.fileUrls = fileUrls;
        this.storage = storage;
        this.store = store;
    }

    TaskView view(Task task) {
        return view(
                task,
                task.status() == TaskStatus.SUCCEEDED ? images.findByTaskIdOrderByPosition(task.id()) : List.of());
    }

    List<TaskView> views(List<Task> tasks) {
        List<String> succeeded = tasks.stream()
                .filter(t -> t.status() == TaskStatus.SUCCEEDED)
                .map(Task::id)
                .toList();
        Map<String, List<TaskImage>> byTask = succeeded.isEmpty()
                ? Map.of()
                : images.findByTaskIdInOrderByPosition(succeeded).stream()
                        .collect(Collectors.groupingBy(TaskImage::taskId));
        return tasks.stream()
                .map(t -> view(t, byTask.getOrDefault(t.id(), List.of())))
                .toList();
    }

    /** A freshly signed link to a stored image. */
    String url(TaskImage image) {
        return url(image.storageKey());
    }

    /** A presigned link straight to the store when it has them (S3), else our own signed {@code /files/} link. */
    private String url(String key) {
        return store.directUrl(key, storage.urlTtl()).orElseGet(() -> fileUrls.url(key, storage.urlTtl()));
    }

    private TaskView view(Task task, List<TaskImage> stored) {
        var data = stored.stream()
                .map(i -> new TaskView.Image(url(i), i.width(), i.height()))
                .toList();
        var error = task.errorCode() == null ? null : new TaskView.Error(task.errorCode(), task.errorMessage());
        return new TaskView(
                task.id(),
                task.status(),
                task.model(),
                task.createdAt(),
                task.credits(),
                task.n(),
                task.size().wireValue(),
                task.quality().wireValue(),
                task.outputFormat().wireValue(),
                task.endUser(),
                data,
                error,
                task.creditsRefunded(),
                task.creditsCaptured(),
                task.startedAt(),
                task.finishedAt(),
                task.kind(),
                task.prompt());
    }
}
