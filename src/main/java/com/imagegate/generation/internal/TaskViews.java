package com.imagegate.generation.internal;

import static com.imagegate.generation.internal.SqlTimes.instant;

import com.imagegate.generation.ImageSize;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Quality;
import com.imagegate.generation.StorageProperties;
import com.imagegate.generation.TaskKind;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.TaskView;
import com.imagegate.generation.spi.ImageStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Tasks as callers see them, with freshly signed image links. */
@Component
class TaskViews {

    /**
     * A poll's read: the task and, once it succeeded, its images, in one statement. A single statement reads one
     * consistent snapshot, so it needs no transaction; one row per image, or one row with null image columns. A
     * pending task's place in the queue is counted by a second statement ({@link TaskQueue#place}), for pending tasks
     * only: folded into this one, it made every other poll slower too (docs/benchmarks.md).
     */
    private static final String READ = """
            select t.id, t.status, t.model, t.created_at, t.credits, t.n, t.size, t.quality, t.output_format,
                   t.end_user, t.error_code, t.error_message, t.credits_refunded, t.credits_captured, t.started_at,
                   t.finished_at, t.kind, t.prompt, i.storage_key, i.width, i.height
            from image_tasks t
            left join task_images i on i.task_id = t.id and t.status = 'SUCCEEDED'
            where t.id = :id and t.workspace_id = :workspaceId
            order by i.position""";

    private final TaskImages images;
    private final FileUrls fileUrls;
    private final StorageProperties storage;
    private final ImageStore store;
    private final JdbcClient jdbc;
    private final TaskQueue queue;

    TaskViews(
            TaskImages images,
            FileUrls fileUrls,
            StorageProperties storage,
            ImageStore store,
            JdbcClient jdbc,
            TaskQueue queue) {
        this.queue = queue;
        this.images = images;
        this.fileUrls = fileUrls;
        this.storage = storage;
        this.store = store;
        this.jdbc = jdbc;
    }

    /**
     * A workspace's task as {@link #view(Task)} shows it, read with plain SQL: every API poll comes here, and the
     * persistence context, repository proxies and transaction that a JPA read goes through cost more CPU than the
     * query itself (docs/benchmarks.md).
     */
    Optional<TaskView> read(String workspaceId, String taskId) {
        return jdbc.sql(READ)
                .param("id", taskId)
                .param("workspaceId", workspaceId)
                .query((ResultSetExtractor<Optional<TaskView>>) this::view);
    }

    private Optional<TaskView> view(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            return Optional.empty();
        }
        String id = rs.getString("id");
        TaskStatus status = TaskStatus.valueOf(rs.getString("status"));
        String model = rs.getString("model");
        var createdAt = instant(rs, "created_at");
        long credits = rs.getLong("credits");
        int n = rs.getInt("n");
        String size = ImageSize.parse(rs.getString("size")).orElseThrow().wireValue();
        String quality = Quality.parse(rs.getString("quality")).orElseThrow().wireValue();
        String format =
                OutputFormat.parse(rs.getString("output_format")).orElseThrow().wireValue();
        String user = rs.getString("end_user");
        String errorCode = rs.getString("error_code");
        var error = errorCode == null ? null : new TaskView.Error(errorCode, rs.getString("error_message"));
        boolean refunded = rs.getBoolean("credits_refunded");
        long captured = rs.getLong("credits_captured");
        Long creditsCaptured = rs.wasNull() ? null : captured;
        var startedAt = instant(rs, "started_at");
        var finishedAt = instant(rs, "finished_at");
        TaskKind kind = TaskColumns.kind(rs.getString("kind"));
        String prompt = rs.getString("prompt");
        var place = status == TaskStatus.PENDING ? queue.place(id, rs.getString("size")) : null;
        var data = new ArrayList<TaskView.Image>();
        do {
            String key = rs.getString("storage_key");
            if (key != null) {
                data.add(new TaskView.Image(url(key), rs.getInt("width"), rs.getInt("height")));
            }
        } while (rs.next());
        return Optional.of(new TaskView(
                id,
                status,
                model,
                createdAt,
                credits,
                n,
                size,
                quality,
                format,
                user,
                List.copyOf(data),
                error,
                refunded,
                creditsCaptured,
                startedAt,
                finishedAt,
                kind,
                prompt,
                place));
    }

    TaskView view(Task task) {
        return view(
                task,
                task.status() == TaskStatus.SUCCEEDED ? images.findByTaskIdOrderByPosition(task.id()) : List.of(),
                task.status() == TaskStatus.PENDING ? queue.ahead(List.of(task.id())) : Map.of());
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
        List<String> pending = tasks.stream()
                .filter(t -> t.status() == TaskStatus.PENDING)
                .map(Task::id)
                .toList();
        Map<String, Integer> ahead = queue.ahead(pending);
        return tasks.stream()
                .map(t -> view(t, byTask.getOrDefault(t.id(), List.of()), ahead))
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

    private TaskView view(Task task, List<TaskImage> stored, Map<String, Integer> ahead) {
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
                task.prompt(),
                queue.queue(
                        ahead.get(task.id()),
                        task.provider().wireValue(),
                        task.size().wireValue()));
    }
}
