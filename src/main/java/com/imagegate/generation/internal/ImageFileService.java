package com.imagegate.generation.internal;

import com.imagegate.generation.GenerationException;
import com.imagegate.generation.ImageFiles;
import com.imagegate.generation.spi.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.stereotype.Service;

@Service
class ImageFileService implements ImageFiles {

    private final Tasks tasks;
    private final TaskImages images;
    private final ImageStore store;

    ImageFileService(Tasks tasks, TaskImages images, ImageStore store) {
        this.tasks = tasks;
        this.images = images;
        this.store = store;
    }

    @Override
    public byte[] read(String workspaceId, String taskId, int index) {
        try (var file = open(workspaceId, taskId, index)) {
            return file.content().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read image " + index + " of " + taskId, e);
        }
    }

    @Override
    public Opened open(String workspaceId, String taskId, int index) {
        if (taskId == null || tasks.findByIdAndWorkspaceId(taskId, workspaceId).isEmpty()) {
            throw notFound();
        }
        var image = images.findByTaskIdOrderByPosition(taskId).stream()
                .filter(i -> i.position() == index && !i.deleted())
                .findFirst()
                .orElseThrow(ImageFileService::notFound);
        var file = store.open(image.storageKey()).orElseThrow(ImageFileService::notFound);
        return new Opened(file.content(), file.length());
    }

    @Override
    public Opened openPartial(String workspaceId, String taskId, int index) {
        if (taskId == null || index < 0) {
            throw notFound();
        }
        var task = tasks.findByIdAndWorkspaceId(taskId, workspaceId).orElseThrow(ImageFileService::notFound);
        String key =
                TaskRunner.partialKey(taskId, index + 1, task.outputFormat().extension());
        var file = store.open(key).orElseThrow(ImageFileService::notFound);
        return new Opened(file.content(), file.length());
    }

    private static GenerationException notFound() {
        return new GenerationException(GenerationException.Reason.NOT_FOUND, "No such image in your workspace.");
    }
}
