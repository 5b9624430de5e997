package com.imagegate.generation.internal;

import com.imagegate.credits.Capture;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Release;
import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.TaskEnded;
import com.imagegate.generation.TaskKind;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.spi.GeneratedImage;
import com.imagegate.generation.spi.ImageProvider;
import com.imagegate.generation.spi.ImageRequest;
import com.imagegate.generation.spi.ImageStore;
import com.imagegate.generation.spi.PartialImages;
import com.imagegate.generation.spi.ProviderException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Renders one task on this node: claims it (a conditional update with a lease, renewed while rendering), calls the
 * provider, stores the images and ends the task succeeded (credits captured) or failed (credits released), each end
 * in one transaction with its ledger entry. A task canceled meanwhile keeps its cancel: the result is discarded.
 */
@Component
class TaskRunner implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    /** The task error code of a content-policy refusal (the upstream's, as {@code generation.upstream} names it). */
    static final String CONTENT_POLICY = "content_policy_violation";

    private final Tasks tasks;
    private final ContentPolicyService contentPolicy;
    private final EndUserIds endUserIds;
    private final TaskImages images;
    private final Credits credits;
    private final Map<GenerationProperties.Provider, ImageProvider> providers;
    private final ImageStore store;
    private final ReferenceImages referenceImages;
    private final TaskWatcher waiters;
    private final TaskMetrics metrics;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Duration lease;
    private final String nodeId;
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "task-lease-renewal");
        thread.setDaemon(true);
        return thread;
    });

    TaskRunner(
            Tasks tasks,
            TaskImages images,
            Credits credits,
            List<ImageProvider> providers,
            ImageStore store,
            ReferenceImages referenceImages,
            TaskWatcher waiters,
            TransactionTemplate transactions,
            ApplicationEventPublisher events,
            GenerationProperties properties,
            Clock clock,
            TaskMetrics metrics,
            ContentPolicyService contentPolicy,
            EndUserIds endUserIds) {
        this.contentPolicy = contentPolicy;
        this.endUserIds = endUserIds;
        this.metrics = metrics;
        this.tasks = tasks;
        this.images = images;
        this.credits = credits;
        this.providers = providers.stream().collect(Collectors.toMap(ImageProvider::name, p -> p));
        this.store = store;
        this.referenceImages = referenceImages;
        this.waiters = waiters;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
        this.lease = properties.tasks().lease();
        this.nodeId = nodeName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Runs the task if nobody holds it.
     *
     * @return null when the task has ended (here or elsewhere); otherwise when the current holder's lease runs out,
     *     so the caller can look again then
     */
    Instant runIfClaimable(String taskId) {
        Instant now = clock.instant();
        Integer claimed = transactions.execute(status -> tasks.claim(taskId, nodeId, now.plus(lease), now));
        if (claimed == null || claimed == 0) {
            return tasks.findById(taskId)
                    .filter(t -> !t.status().isFinal())
                    .map(t -> t.leaseUntil() == null
                            ? clock.instant().plusSeconds(5)
                            : t.leaseUntil().plusSeconds(1))
                    .orElse(null);
        }
        Task task = tasks.findById(taskId).orElseThrow();
        waiters.changed(taskId);
        metrics.started(task, now);
        MDC.put("taskId", taskId);
        if (task.requestId() != null) {
            MDC.put("requestId", task.requestId());
        }
        var renewal = renewals.scheduleAtFixedRate(
                () -> renew(taskId), lease.toMillis() / 3, lease.toMillis() / 3, TimeUnit.MILLISECONDS);
        try {
            render(task);
        } finally {
            renewal.cancel(false);
            MDC.remove("taskId");
            MDC.remove("requestId");
            waiters.finished(taskId);
        }
        return null;
    }

    private void render(Task task) {
        if (contentPolicy.paused(task.workspaceId())) {
            // Paused after it was accepted: it never reaches the provider, and its credits are released.
            fail(
                    task,
                    "workspace_paused",
                    "This workspace's image generation was paused for review before the task started.");
            return;
        }
        List<GeneratedImage> made;
        try {
            ImageProvider provider = providers.get(task.provider());
            if (provider == null) {
                throw new ProviderException("provider_unavailable", "The image provider is not available.", false);
            }
            List<byte[]> references = referenceImages.load(task.referenceKeys());
            byte[] mask = referenceImages.mask(task.referenceKeys());
            var request = new ImageRequest(
                    task.id(),
                    task.modelSnapshot(),
                    task.prompt(),
                    references,
                    task.n(),
                    task.size(),
                    task.quality(),
                    task.outputFormat(),
                    endUserIds.of(task.workspaceId(), task.endUser()),
                    task.enhanceScale(),
                    mask);
            made = task.kind() == TaskKind.ENHANCEMENT
                    ? List.of(provider.enhance(request))
                    : task.partialImages() > 0
                            ? provider.generate(request, new StoredPartials(task))
                            : provider.generate(request);
        } catch (ProviderException e) {
            if (fail(task, e.code(), e.getMessage()) && CONTENT_POLICY.equals(e.code())) {
                strike(task);
            }
            return;
        } catch (RuntimeException e) {
            log.error("Rendering {} failed unexpectedly", task.id(), e);
            fail(task, "generation_failed", "Generation failed unexpectedly.");
            return;
        }
        succeed(task, made);
    }

    /** Where a partial image's file is kept ({@code k} from 1): under the task, apart from its images. */
    static String partialKey(String taskId, int k, String extension) {
        return "partials/" + taskId + "/" + k + "." + extension;
    }

    /**
     * A task's partial images: each is stored under {@link #partialKey} and counted on the task's row (only while
     * this node holds it), so a stream on any node sees it at its next read; never a {@link TaskImage}, never charged.
     */
    private final class StoredPartials implements PartialImages {

        private final Task task;
        private int stored;

        StoredPartials(Task task) {
            this.task = task;
        }

        @Override
        public int asked() {
            return task.partialImages();
        }

        @Override
        public void add(GeneratedImage partial) {
            if (stored >= task.partialImages()) {
                return;
            }
            int k = stored + 1;
            try {
                store.put(
                        partialKey(task.id(), k, partial.format().extension()),
                        partial.bytes(),
                        partial.format().contentType());
                Integer counted = transactions.execute(status -> tasks.partialStored(task.id(), nodeId, k));
                stored = k;
                if (counted != null && counted == 1) {
                    waiters.changed(task.id());
                }
            } catch (RuntimeException e) {
                // A preview lost is no failure of the task: the final image still comes.
                log.warn("Could not store partial image {} of {}: {}", k, task.id(), e.toString());
            }
        }
    }

    private void succeed(Task task, List<GeneratedImage> made) {
        Instant now = clock.instant();
        List<TaskImage> rows = new ArrayList<>();
        for (int i = 0; i < made.size(); i++) {
            GeneratedImage image = made.get(i);
            String id = TaskImage.newId();
            String key = DAY.format(now) + "/" + task.id() + "/" + id + "."
                    + image.format().extension();
            store.put(key, image.bytes(), image.format().contentType());
            rows.add(new TaskImage(
                    id,
                    task.id(),
                    task.workspaceId(),
                    i,
                    key,
                    image.format().contentType(),
                    image.width(),
                    image.height(),
                    image.bytes().length,
                    now));
        }
        long pricePerImage = task.credits() / task.n();
        long captured = pricePerImage * Math.min(made.size(), task.n());
        boolean ended = Boolean.TRUE.equals(transactions.execute(status -> {
            lockBalanceFirst(task);
            if (tasks.succeed(task.id(), nodeId, captured, captured < task.credits(), clock.instant()) != 1) {
                return false;
            }
            images.saveAll(rows);
            if (captured > 0) {
                credits.capture(new Capture(task.id(), captured));
            } else if (task.credits() > 0) {
                credits.release(new Release(task.id()));
            }
            events.publishEvent(new TaskEnded(task.id(), task.workspaceId(), TaskStatus.SUCCEEDED, task.callbackUrl()));
            return true;
        }));
        if (!ended) {
            // Canceled meanwhile, or our lease was lost to another node: that outcome stands; drop our files.
            rows.forEach(r -> store.delete(r.storageKey()));
            log.info("Discarded the result of {}: it ended elsewhere", task.id());
            return;
        }
        Duration rendering = Duration.between(task.startedAt() == null ? now : task.startedAt(), clock.instant());
        metrics.ended(task, TaskStatus.SUCCEEDED, rendering, captured);
        log.info(
                "Task {} succeeded: {} of {} images, {} credits captured, rendered in {} ms",
                task.id(),
                made.size(),
                task.n(),
                captured,
                rendering.toMillis());
    }

    /** The upstream's own content-policy refusal counts as a strike against the workspace. */
    private void strike(Task task) {
        try {
            contentPolicy.strike(task.workspaceId(), "upstream", task.id(), task.prompt());
        } catch (RuntimeException e) {
            log.warn("Content-policy strike for {} not recorded", task.id(), e);
        }
    }

    private boolean fail(Task task, String code, String message) {
        boolean ended = Boolean.TRUE.equals(transactions.execute(status -> {
            lockBalanceFirst(task);
            if (tasks.fail(task.id(), nodeId, code, message, clock.instant()) != 1) {
                return false;
            }
            if (task.credits() > 0) {
                credits.release(new Release(task.id()));
            }
            events.publishEvent(new TaskEnded(task.id(), task.workspaceId(), TaskStatus.FAILED, task.callbackUrl()));
            return true;
        }));
        if (ended) {
            Duration rendering = task.startedAt() == null ? null : Duration.between(task.startedAt(), clock.instant());
            metrics.ended(task, TaskStatus.FAILED, rendering, 0);
            log.info("Task {} failed ({}); {} credits released", task.id(), code, task.credits());
        }
        return ended;
    }

    /**
     * An ending that moves credits takes the workspace's balance lock before it touches the task row: acceptance takes
     * that lock first and then inserts a task row, so the other order (task row, then balance) deadlocks against a
     * creation in the same workspace (InnoDB's next-key lock on the task's old status entry blocks the insert).
     */
    private void lockBalanceFirst(Task task) {
        if (task.credits() > 0) {
            credits.lock(task.workspaceId());
        }
    }

    private void renew(String taskId) {
        try {
            transactions.executeWithoutResult(
                    status -> tasks.renew(taskId, nodeId, clock.instant().plus(lease)));
        } catch (RuntimeException e) {
            log.warn("Could not renew the lease of {}: {}", taskId, e.toString());
        }
    }

    String nodeId() {
        return nodeId;
    }

    private static String nodeName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "node";
        }
    }

    @Override
    public void destroy() {
        renewals.shutdownNow();
    }
}
