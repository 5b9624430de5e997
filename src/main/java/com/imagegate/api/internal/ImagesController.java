package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.api.ApiProperties;
import com.imagegate.apikey.ApiKeyMode;
import com.imagegate.apikey.ApiKeyPrincipal;
import com.imagegate.billing.CurrentPlan;
import com.imagegate.billing.Plans;
import com.imagegate.credits.BudgetPeriod;
import com.imagegate.generation.Caller;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.Generations;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.TaskBody;
import com.imagegate.generation.TaskQuery;
import com.imagegate.generation.TaskSource;
import com.imagegate.generation.TaskStatus;
import jakarta.servlet.http.HttpServletResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The async image API (docs/api.md): create a task, read it (or wait for it), cancel it, list them. */
@RestController
class ImagesController {

    static final int MAX_IDEMPOTENCY_KEY = 255;

    private final Generations generations;
    private final Plans plans;
    private final RequestRateLimiter limiter;
    private final ApiProperties properties;

    ImagesController(Generations generations, Plans plans, RequestRateLimiter limiter, ApiProperties properties) {
        this.generations = generations;
        this.plans = plans;
        this.limiter = limiter;
        this.properties = properties;
    }

    @PostMapping(path = "/api/v1/images/generations")
    ResponseEntity<TaskBody> create(
            ApiKeyAuthentication caller,
            @RequestBody(required = false) byte[] body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            HttpServletResponse response) {
        var request = GenerationJson.parse(
                readJson(checkedBody(body, idempotencyKey, properties)), idempotencyKey, sha256(body));
        var task = generations.accept(admit(caller, response), request);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(TaskBody.of(task));
    }

    /** "Image Enhancement": one image in by URL, an enhanced image out, as a task. */
    @PostMapping(path = "/api/v1/images/enhancements")
    ResponseEntity<TaskBody> enhance(
            ApiKeyAuthentication caller,
            @RequestBody(required = false) byte[] body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            HttpServletResponse response) {
        var request = GenerationJson.parseEnhancement(
                readJson(checkedBody(body, idempotencyKey, properties)), idempotencyKey, sha256(body));
        var task = generations.enhance(admit(caller, response), request);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(TaskBody.of(task));
    }

    static byte[] checkedBody(byte[] body, String idempotencyKey, ApiProperties properties) {
        if (body == null || body.length == 0) {
            throw new ApiException(
                    400, ApiError.invalidRequest("The request body must be a JSON object.", null, "invalid_json"));
        }
        if (body.length > properties.maxBodyBytes()) {
            throw new ApiException(
                    413,
                    ApiError.invalidRequest(
                            "The request body is larger than " + properties.maxBodyBytes() + " bytes.",
                            null,
                            "payload_too_large"));
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
            throw new ApiException(
                    400,
                    ApiError.invalidRequest(
                            "Idempotency-Key must be 1 to 255 characters.", "Idempotency-Key", "invalid_value"));
        }
        return body;
    }

    /** Counts the creation against the plan's per-minute limit and says who is asking. */
    Caller admit(ApiKeyAuthentication caller, HttpServletResponse response) {
        return caller(caller, limit(caller, response));
    }

    /**
     * Counts a creation request against the plan's per-minute limit (429 once the window is spent) and returns the
     * plan's limits. The OpenAI drop-in calls it before it reads the request's body or parts, for every request
     * (an SDK's retry too).
     */
    CurrentPlan limit(ApiKeyAuthentication caller, HttpServletResponse response) {
        ApiKeyPrincipal key = caller.getPrincipal();
        var plan = plans.current(key.workspaceId());
        var usage = limiter.creation(key.workspaceId(), plan.requestsPerMinute());
        rateLimitHeaders(response, usage);
        if (!usage.allowed()) {
            throw rateLimited(
                    usage.reset(),
                    "Rate limit reached: " + usage.limit() + " task creations per minute " + limitSource(plan)
                            + ". Try again in " + seconds(usage.reset()) + " s.");
        }
        return plan;
    }

    /** Whose limit a creation window is: the plan's, or the workspace's custom one. */
    static String limitSource(CurrentPlan plan) {
        return plan.customRequestsPerMinute() ? "(this workspace's custom limit)" : "on your plan";
    }

    /**
     * Who is asking, with the limits of the plan {@link #limit} counted against and the workspace's price multiplier
     * (null when it pays list prices).
     */
    Caller caller(ApiKeyAuthentication caller, CurrentPlan plan) {
        ApiKeyPrincipal key = caller.getPrincipal();
        return new Caller(
                key.workspaceId(),
                key.keyId(),
                key.monthlyCreditCap(),
                BudgetPeriod.valueOf(key.budgetPeriod().name()),
                key.mode() == ApiKeyMode.TEST,
                TaskSource.API,
                "key:" + key.keyId(),
                MDC.get(RequestIdFilter.MDC_KEY),
                plan.concurrentTasks(),
                key.userDailyCreditLimit(),
                plan.custom().priceMultiplier());
    }

    /** The task as it is now, answered on the request's own thread (a poll is the API's most frequent call). */
    @GetMapping(path = "/api/v1/images/tasks/{id}", params = "!wait")
    TaskBody get(ApiKeyAuthentication caller, @PathVariable String id, HttpServletResponse response) {
        ApiKeyPrincipal key = caller.getPrincipal();
        readLimit(key, response);
        return TaskBody.of(generations.get(key.workspaceId(), id));
    }

    /** Long-poll: the task once it has ended or {@code wait} seconds have passed, without a thread while it waits. */
    @GetMapping(path = "/api/v1/images/tasks/{id}", params = "wait")
    CompletableFuture<TaskBody> await(
            ApiKeyAuthentication caller,
            @PathVariable String id,
            @RequestParam String wait,
            HttpServletResponse response) {
        ApiKeyPrincipal key = caller.getPrincipal();
        readLimit(key, response);
        Duration waitFor = waitSeconds(wait);
        return generations.awaitEnd(key.workspaceId(), id, waitFor).thenApply(TaskBody::of);
    }

    /** Counted against the read limit: a cancel loop is a read loop that also takes a row lock. */
    @PostMapping("/api/v1/images/tasks/{id}/cancel")
    TaskBody cancel(ApiKeyAuthentication caller, @PathVariable String id, HttpServletResponse response) {
        readLimit(caller.getPrincipal(), response);
        return TaskBody.of(generations.cancel(caller.getPrincipal().workspaceId(), id));
    }

    record TaskList(
            String object,
            List<TaskBody> data,

            @JsonProperty("has_more") boolean hasMore,

            @JsonProperty("next_cursor") String nextCursor) {}

    @GetMapping("/api/v1/images/tasks")
    TaskList list(
            ApiKeyAuthentication caller,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String user,
            @RequestParam(name = "created_after", required = false) String createdAfter,
            @RequestParam(name = "created_before", required = false) String createdBefore,
            HttpServletResponse response) {
        ApiKeyPrincipal key = caller.getPrincipal();
        readLimit(key, response);
        var query = new TaskQuery(
                after,
                intParam("limit", limit, 20),
                status == null ? null : parseStatus(status),
                user,
                epochParam("created_after", createdAfter),
                epochParam("created_before", createdBefore));
        var page = generations.list(key.workspaceId(), query);
        return new TaskList(
                "list", page.tasks().stream().map(TaskBody::of).toList(), page.nextCursor() != null, page.nextCursor());
    }

    /** A refusal of the request's values; one the generation module made is named in this API's terms. */
    @ExceptionHandler
    ResponseEntity<ApiError> invalid(InvalidRequestException refused) {
        var invalid = refused.named(GenerationJson.NAMES);
        if ("payload_too_large".equals(invalid.code())) {
            return ResponseEntity.status(413)
                    .body(ApiError.invalidRequest(invalid.getMessage(), invalid.param(), invalid.code()));
        }
        return ResponseEntity.badRequest()
                .body(ApiError.invalidRequest(invalid.getMessage(), invalid.param(), invalid.code()));
    }

    @ExceptionHandler
    ResponseEntity<ApiError> refused(GenerationException refused) {
        return switch (refused.reason()) {
            case INSUFFICIENT_QUOTA, KEY_CAP_REACHED ->
                ResponseEntity.status(429)
                        .header("x-should-retry", "false")
                        .body(ApiError.of(refused.getMessage(), "insufficient_quota", null, "insufficient_quota"));
            case MAX_CREDITS_EXCEEDED ->
                ResponseEntity.badRequest()
                        .body(ApiError.invalidRequest(refused.getMessage(), "max_credits", "max_credits_exceeded"));
            case USER_QUOTA_EXCEEDED ->
                ResponseEntity.status(429)
                        .header("Retry-After", String.valueOf(seconds(refused.retryAfter())))
                        .header("x-should-retry", "false")
                        .body(ApiError.of(refused.getMessage(), "insufficient_quota", "user", "user_quota_exceeded"));
            case TOO_MANY_CONCURRENT_TASKS ->
                ResponseEntity.status(429)
                        .header("Retry-After", String.valueOf(seconds(refused.retryAfter())))
                        .body(ApiError.of(refused.getMessage(), "requests", null, "rate_limit_exceeded"));
            case IDEMPOTENCY_CONFLICT ->
                ResponseEntity.status(409)
                        .body(ApiError.invalidRequest(refused.getMessage(), "Idempotency-Key", "idempotency_conflict"));
            case NOT_FOUND ->
                ResponseEntity.status(404).body(ApiError.invalidRequest(refused.getMessage(), null, "not_found"));
            case ALREADY_FINISHED ->
                ResponseEntity.status(409)
                        .body(ApiError.invalidRequest(refused.getMessage(), null, "task_already_finished"));
            case CONTENT_POLICY_VIOLATION ->
                ResponseEntity.badRequest()
                        .body(ApiError.invalidRequest(refused.getMessage(), "prompt", "content_policy_violation"));
            case WORKSPACE_PAUSED ->
                ResponseEntity.status(403)
                        .body(ApiError.invalidRequest(refused.getMessage(), null, "workspace_paused"));
            case MODERATION_UNAVAILABLE ->
                ResponseEntity.status(503)
                        .header("Retry-After", String.valueOf(seconds(refused.retryAfter())))
                        .body(ApiError.of(refused.getMessage(), ApiError.SERVER_ERROR, null, "moderation_unavailable"));
            case TOO_MANY_STREAMS ->
                ResponseEntity.status(429)
                        .body(ApiError.of(refused.getMessage(), "requests", null, "too_many_streams"));
        };
    }

    void readLimit(ApiKeyPrincipal key, HttpServletResponse response) {
        readLimit(limiter, properties, key, response);
    }

    /** Counts a read against the key's per-minute read limit; 429 once the window is spent. */
    static void readLimit(
            RequestRateLimiter limiter, ApiProperties properties, ApiKeyPrincipal key, HttpServletResponse response) {
        var usage = limiter.read(key.keyId(), properties.readsPerMinute());
        if (!usage.allowed()) {
            rateLimitHeaders(response, usage);
            throw rateLimited(
                    usage.reset(), "Too many reads: " + usage.limit() + " per minute per key. Poll less often.");
        }
    }

    private static void rateLimitHeaders(HttpServletResponse response, RequestRateLimiter.Usage usage) {
        response.setHeader("x-ratelimit-limit-requests", String.valueOf(usage.limit()));
        response.setHeader("x-ratelimit-remaining-requests", String.valueOf(usage.remaining()));
        response.setHeader("x-ratelimit-reset-requests", seconds(usage.reset()) + "s");
    }

    private static ApiException rateLimited(Duration reset, String message) {
        return new ApiException(429, ApiError.of(message, "requests", null, "rate_limit_exceeded"))
                .withHeader("Retry-After", String.valueOf(seconds(reset)));
    }

    static long seconds(Duration duration) {
        return duration == null ? 1 : Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    private static Duration waitSeconds(String wait) {
        if (wait == null) {
            return Duration.ZERO;
        }
        int seconds = intParam("wait", wait, 0);
        if (seconds < 0 || seconds > 60) {
            throw new InvalidRequestException(
                    "wait", "invalid_value", "wait must be an integer from 0 to 60 (seconds).");
        }
        return Duration.ofSeconds(seconds);
    }

    private static int intParam(String name, String value, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(name, "invalid_value", name + " must be an integer.");
        }
    }

    private static Instant epochParam(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(value.strip()));
        } catch (NumberFormatException | DateTimeException e) {
            throw new InvalidRequestException(name, "invalid_value", name + " must be a Unix time in seconds.");
        }
    }

    private static TaskStatus parseStatus(String status) {
        try {
            return TaskStatus.valueOf(status.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(
                    "status",
                    "invalid_value",
                    "status must be one of pending, processing, succeeded, failed, canceled.");
        }
    }

    static JsonNode readJson(byte[] body) {
        try {
            return JsonMapper.shared().readTree(body);
        } catch (JacksonException e) {
            throw new ApiException(
                    400,
                    ApiError.invalidRequest(
                            "We could not parse the JSON body of your request. Send valid JSON with Content-Type: application/json.",
                            null,
                            "invalid_json"));
        }
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
