package com.imagegate.generation.internal;

import com.imagegate.Ids;
import com.imagegate.credits.Credits;
import com.imagegate.credits.InsufficientCreditsException;
import com.imagegate.credits.KeyCap;
import com.imagegate.credits.KeyCapExceededException;
import com.imagegate.credits.Reserve;
import com.imagegate.generation.Caller;
import com.imagegate.generation.EnhancementRequest;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.GenerationException.Reason;
import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.GenerationRequest;
import com.imagegate.generation.ImageInput;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.Pricing;
import com.imagegate.generation.ProtectionProperties;
import com.imagegate.generation.Quality;
import com.imagegate.generation.Quote;
import com.imagegate.generation.RequestField;
import com.imagegate.generation.TaskKind;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.TaskView;
import com.imagegate.generation.spi.PromptModeration;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Accepting tasks, with their idempotency keys. Accepting is one transaction: the idempotency key, the credit
 * reservation (which locks the workspace's balance row, serializing its concurrent accepts), the end user's daily quota
 * ({@link UserQuotaService#check}), the concurrency check and the task row commit together or not at all; only after
 * the commit is the task started. A replayed key within {@link #IDEMPOTENCY_WINDOW} answers with the first task (read
 * through {@link TaskQueries}); a keyless SDK retry is matched to its first attempt by the request digest ({@link
 * #retried}).
 */
@Component
class TaskAcceptance {

    private static final Logger log = LoggerFactory.getLogger(TaskAcceptance.class);

    static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

    private final Tasks tasks;
    private final IdempotencyKeys idempotencyKeys;
    private final Credits credits;
    private final Pricing pricing;
    private final GenerationProperties properties;
    private final TaskDispatcher dispatcher;
    private final TaskViews views;
    private final TaskQueries queries;
    private final ReferenceImages referenceImages;
    private final CallbackUrls callbackUrls;
    private final TaskMetrics metrics;
    private final UserQuotaService userQuotas;
    private final ContentPolicyService contentPolicy;
    private final ObjectProvider<PromptModeration> moderation;
    private final ProtectionProperties protection;
    private final TransactionTemplate transactions;
    private final Clock clock;

    TaskAcceptance(
            Tasks tasks,
            IdempotencyKeys idempotencyKeys,
            Credits credits,
            Pricing pricing,
            GenerationProperties properties,
            TaskDispatcher dispatcher,
            TaskViews views,
            TaskQueries queries,
            ReferenceImages referenceImages,
            CallbackUrls callbackUrls,
            TransactionTemplate transactions,
            Clock clock,
            TaskMetrics metrics,
            UserQuotaService userQuotas,
            ContentPolicyService contentPolicy,
            ObjectProvider<PromptModeration> moderation,
            ProtectionProperties protection) {
        this.contentPolicy = contentPolicy;
        this.moderation = moderation;
        this.protection = protection;
        this.metrics = metrics;
        this.userQuotas = userQuotas;
        this.tasks = tasks;
        this.idempotencyKeys = idempotencyKeys;
        this.credits = credits;
        this.pricing = pricing;
        this.properties = properties;
        this.dispatcher = dispatcher;
        this.views = views;
        this.queries = queries;
        this.referenceImages = referenceImages;
        this.callbackUrls = callbackUrls;
        this.transactions = transactions;
        this.clock = clock;
    }

    TaskView accept(Caller caller, GenerationRequest request) {
        var spec = new Task.NewTask(
                caller.workspaceId(),
                caller.apiKeyId(),
                caller.source(),
                TaskKind.GENERATION,
                request.model(),
                request.prompt(),
                request.imageUrls().isEmpty() ? null : json(request.imageUrls()),
                request.n(),
                request.size(),
                request.quality(),
                request.format(),
                request.user(),
                request.callbackUrl() == null ? null : request.callbackUrl().toString(),
                caller.requestId(),
                null,
                request.partialImages());
        long price = pricing.credits(request.size(), request.n(), caller.priceMultiplier());
        return accept(
                caller,
                spec,
                price,
                request.maxCredits(),
                taskId -> referenceImages.store(
                        taskId,
                        caller.workspaceId(),
                        request.imageUrls(),
                        RequestField.IMAGE_URLS,
                        request.inputs(),
                        RequestField.INPUTS,
                        request.mask()),
                request.idempotency());
    }

    TaskView enhance(Caller caller, EnhancementRequest request) {
        List<URI> urls = request.image() instanceof EnhancementRequest.Image.Url(URI url) ? List.of(url) : List.of();
        List<ImageInput> inputs = request.image() instanceof EnhancementRequest.Image.Given(ImageInput input)
                ? List.of(input)
                : List.of();
        var spec = new Task.NewTask(
                caller.workspaceId(),
                caller.apiKeyId(),
                caller.source(),
                TaskKind.ENHANCEMENT,
                "gpt-image-2",
                null,
                urls.isEmpty() ? null : json(urls),
                1,
                ImageSize.AUTO,
                Quality.HIGH,
                request.format(),
                request.user(),
                request.callbackUrl() == null ? null : request.callbackUrl().toString(),
                caller.requestId(),
                request.scale(),
                0);
        return accept(
                caller,
                spec,
                pricing.enhancementCredits(caller.priceMultiplier()),
                request.maxCredits(),
                taskId -> referenceImages.store(
                        taskId, caller.workspaceId(), urls, RequestField.IMAGE, inputs, RequestField.IMAGE, null),
                request.idempotency());
    }

    private TaskView accept(
            Caller caller,
            Task.NewTask spec,
            long listPrice,
            Long maxCredits,
            Function<String, List<String>> storeReferences,
            GenerationRequest.Idempotency idempotency) {
        String idempotencyKey = idempotency.key();
        String requestHash = idempotency.requestDigest();
        if (idempotencyKey != null) {
            var replay = replay(caller.workspaceId(), idempotencyKey, requestHash);
            if (replay != null) {
                return replay;
            }
        }
        callbackUrls.check(spec.callbackUrl() == null ? null : URI.create(spec.callbackUrl()));
        long price = price(caller, listPrice, maxCredits);
        screen(caller, spec);
        String taskId = Ids.next("task");
        // Fetched before the transaction: a slow or bad URL never holds a lock, and a bad one writes nothing.
        List<String> referenceKeys = storeReferences.apply(taskId);
        Task task;
        try {
            task = transactions.execute(
                    status -> insert(taskId, caller, spec, price, referenceKeys, idempotencyKey, requestHash));
        } catch (RuntimeException refused) {
            referenceImages.delete(referenceKeys);
            if (refused instanceof GenerationException g && g.getCause() instanceof KeyCapExceededException capped) {
                budgetRefused(caller, capped);
            }
            if (!(refused instanceof DataIntegrityViolationException) || idempotencyKey == null) {
                throw refused;
            }
            // A concurrent request with the same key committed first; ours rolled back whole (no credits held).
            var replay = replay(caller.workspaceId(), idempotencyKey, requestHash);
            if (replay == null) {
                throw refused;
            }
            return replay;
        }
        dispatcher.dispatch(task.id());
        metrics.accepted(task);
        return views.view(task);
    }

    private Task insert(
            String taskId,
            Caller caller,
            Task.NewTask spec,
            long price,
            List<String> referenceKeys,
            String idempotencyKey,
            String requestHash) {
        Instant now = clock.instant();
        GenerationProperties.Provider provider =
                caller.testMode() ? GenerationProperties.Provider.SANDBOX : properties.provider();
        // Only a request without an Idempotency-Key keeps its digest on the task: an SDK's keyless retry can only be
        // the retry of a keyless first attempt (a keyed one is replayed through its key).
        String retryDigest = idempotencyKey == null ? requestHash : null;
        Task task =
                new Task(taskId, spec, price, provider, properties.openai().model(), referenceKeys, retryDigest, now);
        checkLimits(caller, taskId, spec.user(), price, now);
        tasks.saveAndFlush(task);
        if (idempotencyKey != null) {
            // A key older than the window may still be stored until the sweeper removes it: it no longer counts.
            idempotencyKeys
                    .findById(new IdempotencyKey.Id(caller.workspaceId(), idempotencyKey))
                    .filter(k -> k.createdAt().isBefore(now.minus(IDEMPOTENCY_WINDOW)))
                    .ifPresent(expired -> {
                        idempotencyKeys.delete(expired);
                        idempotencyKeys.flush();
                    });
            idempotencyKeys.saveAndFlush(
                    new IdempotencyKey(caller.workspaceId(), idempotencyKey, requestHash, task.id(), now));
        }
        return task;
    }

    /**
     * What the task costs the caller: its price (the list price under the workspace's price multiplier, {@link
     * Pricing#apply}), or 0 for a test key (test keys render in the sandbox and are
     * never billed, docs/api.md); refused when it is more than the request's {@code max_credits}.
     */
    private static long price(Caller caller, long listPrice, Long maxCredits) {
        long price = cost(caller, listPrice);
        if (maxCredits != null && price > maxCredits) {
            throw new GenerationException(
                    Reason.MAX_CREDITS_EXCEEDED,
                    "This task costs " + price + " credits, more than max_credits (" + maxCredits
                            + "). Raise max_credits or ask for fewer or smaller images.");
        }
        return price;
    }

    /** The list price, or 0 for a test key. */
    private static long cost(Caller caller, long listPrice) {
        return caller.testMode() ? 0 : listPrice;
    }

    /**
     * Every limit a task is accepted under, in the accepting transaction (and in a quote's, which is rolled back):
     * the workspace's balance-row lock, the end user's daily quota, the reservation (balance, the key's cap) and the
     * concurrent tasks. A limit added to acceptance belongs here, so that {@link #quote} sees it too.
     */
    private void checkLimits(Caller caller, String taskId, String user, long price, Instant now) {
        // Every accept, paid or free (a test key's sandbox task), takes the workspace's balance-row lock first, so
        // this count cannot race another accept of the workspace: parallel requests never exceed the plan's limit.
        credits.lock(caller.workspaceId());
        if (contentPolicy.paused(caller.workspaceId())) {
            throw paused();
        }
        // The user's daily quota is counted under the same lock, so parallel accepts on any node cannot overspend it.
        userQuotas.check(caller.workspaceId(), user, price, now, caller.keyUserDailyCreditLimit());
        if (price > 0) {
            reserve(caller, taskId, price);
        }
        long unfinished = tasks.countByWorkspaceIdAndStatusIn(
                caller.workspaceId(), List.of(TaskStatus.PENDING, TaskStatus.PROCESSING));
        if (unfinished >= caller.concurrentTasks()) {
            throw new GenerationException(
                    Reason.TOO_MANY_CONCURRENT_TASKS,
                    "You have " + unfinished
                            + " unfinished tasks, the most this workspace runs at once (" + caller.concurrentTasks()
                            + "). Wait for one to end.",
                    Duration.ofSeconds(2));
        }
    }

    /**
     * The content policy, before anything is paid or stored (docs/operations.md, "Content policy"): a paused workspace
     * is refused; a prompt on the admins' denylist, or flagged by the upstream's moderation endpoint (when the pre-check
     * is on and the task would go upstream: the {@code openai} provider, a live key), is refused with {@code
     * content_policy_violation} and counts as a strike. When the moderation endpoint gives no answer, the setting
     * decides: go on (default) or refuse with {@code moderation_unavailable}.
     */
    private void screen(Caller caller, Task.NewTask spec) {
        if (contentPolicy.paused(caller.workspaceId())) {
            throw paused();
        }
        String prompt = spec.prompt();
        if (prompt == null || prompt.isBlank()) {
            return;
        }
        if (contentPolicy.denied(prompt)) {
            strikeAndRefuse(
                    caller,
                    "denylist",
                    prompt,
                    "This prompt is not allowed by this service's content policy. Change the prompt and try again.");
        }
        PromptModeration moderator = moderation.getIfAvailable();
        if (!protection.moderation().enabled()
                || moderator == null
                || caller.testMode()
                || properties.provider() != GenerationProperties.Provider.OPENAI) {
            return;
        }
        switch (moderator.check(prompt)) {
            case PromptModeration.Verdict.Allowed allowed -> {}
            case PromptModeration.Verdict.Flagged flagged ->
                strikeAndRefuse(
                        caller,
                        "moderation",
                        prompt,
                        "This prompt was flagged by the content policy"
                                + (flagged.categories().isEmpty()
                                        ? ""
                                        : " (" + String.join(", ", flagged.categories()) + ")")
                                + ". Change the prompt and try again.");
            case PromptModeration.Verdict.Unavailable down -> {
                if (protection.moderation().whenUnavailable() == ProtectionProperties.WhenUnavailable.REFUSE) {
                    log.warn("Moderation pre-check unavailable ({}): creation refused", down.why());
                    throw new GenerationException(
                            Reason.MODERATION_UNAVAILABLE,
                            "The content check is unavailable right now, so no task was accepted (nothing was"
                                    + " charged). Try again shortly.",
                            Duration.ofSeconds(30));
                }
                log.warn("Moderation pre-check unavailable ({}): prompt allowed", down.why());
            }
        }
    }

    private void strikeAndRefuse(Caller caller, String source, String prompt, String message) {
        boolean paused = contentPolicy.strike(caller.workspaceId(), source, null, prompt);
        throw new GenerationException(
                Reason.CONTENT_POLICY_VIOLATION,
                paused
                        ? message + " This workspace's generation is now paused for review after repeated refusals."
                        : message);
    }

    static GenerationException paused() {
        return new GenerationException(
                Reason.WORKSPACE_PAUSED,
                "This workspace's image generation is paused for review after repeated content-policy refusals."
                        + " Contact support; nothing is charged while it is paused.");
    }

    /** What {@link #accept} would cost and whether it would accept now; writes nothing. */
    Quote quote(Caller caller, GenerationRequest request) {
        return quote(
                caller,
                request.callbackUrl(),
                request.user(),
                pricing.credits(request.size(), request.n(), caller.priceMultiplier()),
                request.maxCredits());
    }

    /** What {@link #enhance} would cost and whether it would accept now; writes nothing. */
    Quote quote(Caller caller, EnhancementRequest request) {
        return quote(
                caller,
                request.callbackUrl(),
                request.user(),
                pricing.enhancementCredits(caller.priceMultiplier()),
                request.maxCredits());
    }

    /**
     * Runs acceptance's own checks ({@link #price}, {@link #checkLimits}) in the order {@link #accept} runs them, in a
     * transaction marked rollback-only before anything is done: the reservation is really made (so every rule of
     * {@code Credits.reserve} applies) and then undone with the rest. The balance-row lock is held only for that.
     */
    private Quote quote(Caller caller, URI callbackUrl, String user, long listPrice, Long maxCredits) {
        callbackUrls.check(callbackUrl);
        long credits = cost(caller, listPrice);
        return transactions.execute(status -> {
            status.setRollbackOnly();
            this.credits.lock(caller.workspaceId());
            long balance = this.credits.balance(caller.workspaceId()).spendable();
            try {
                checkLimits(caller, Ids.next("task"), user, price(caller, listPrice, maxCredits), clock.instant());
                return new Quote(credits, balance, null);
            } catch (GenerationException refused) {
                return new Quote(credits, balance, refused);
            }
        });
    }

    private void reserve(Caller caller, String taskId, long price) {
        try {
            credits.reserve(new Reserve(
                    caller.workspaceId(),
                    price,
                    taskId,
                    caller.apiKeyId() == null
                            ? null
                            : new KeyCap(caller.apiKeyId(), caller.keyMonthlyCap(), caller.keyBudgetPeriod()),
                    caller.actor()));
        } catch (InsufficientCreditsException short_) {
            throw new GenerationException(
                    Reason.INSUFFICIENT_QUOTA,
                    "You do not have enough credits: this task needs " + price + " and " + short_.spendable()
                            + " are available. Buy credits or upgrade your plan.");
        } catch (KeyCapExceededException capped) {
            throw new GenerationException(
                    Reason.KEY_CAP_REACHED,
                    "This API key has spent its budget of " + capped.budget() + " credits per "
                            + capped.period().value() + " (" + capped.used() + " spent, this task needs "
                            + capped.requested() + "); it resets at " + capped.resetsAt()
                            + ". Raise the budget or use another key.",
                    null,
                    capped);
        }
    }

    /**
     * A creation refused by the key's budget stops the key for what it asks: the owners' 100% alert, once per key and
     * period ({@link Credits#keyBudgetRefused}), after the refusing transaction rolled back. Only a real creation
     * comes here; a quote never does. The alert is never worth failing the answer for: the 429 stands either way.
     */
    private void budgetRefused(Caller caller, KeyCapExceededException capped) {
        try {
            credits.keyBudgetRefused(caller.workspaceId(), capped);
        } catch (RuntimeException alertFailed) {
            log.warn("Key budget alert for {} after a refusal not recorded", capped.apiKeyId(), alertFailed);
        }
    }

    /**
     * SDK-retry matching: the newest keyless task of this API key with this request digest within {@code within},
     * unless it failed or was canceled.
     */
    Optional<TaskView> retried(String workspaceId, String apiKeyId, String requestHash, Duration within) {
        if (apiKeyId == null || requestHash == null) {
            return Optional.empty();
        }
        return tasks
                .findRetried(
                        workspaceId,
                        apiKeyId,
                        requestHash,
                        clock.instant().minus(within),
                        List.of(TaskStatus.FAILED, TaskStatus.CANCELED),
                        PageRequest.of(0, 1))
                .stream()
                .findFirst()
                .flatMap(id -> views.read(workspaceId, id));
    }

    /** The first task for a replayed key and body; a conflict for another body; null for a new (or expired) key. */
    private TaskView replay(String workspaceId, String key, String requestHash) {
        var seen = idempotencyKeys
                .findById(new IdempotencyKey.Id(workspaceId, key))
                .filter(k -> k.createdAt().isAfter(clock.instant().minus(IDEMPOTENCY_WINDOW)));
        if (seen.isEmpty()) {
            return null;
        }
        if (!seen.get().requestHash().equals(requestHash)) {
            throw new GenerationException(
                    Reason.IDEMPOTENCY_CONFLICT,
                    "This Idempotency-Key was already used with a different request body. Use a new key.");
        }
        return queries.get(workspaceId, seen.get().taskId());
    }

    private static String json(List<URI> urls) {
        return JsonMapper.shared()
                .writeValueAsString(urls.stream().map(URI::toString).toList());
    }
}
