package com.imagegate.api.internal;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.imagegate.account.Accounts;
import com.imagegate.account.WorkspaceSummary;
import com.imagegate.api.ApiProperties;
import com.imagegate.apikey.ApiKeyMode;
import com.imagegate.apikey.ApiKeyPrincipal;
import com.imagegate.apikey.ApiKeys;
import com.imagegate.billing.CurrentPlan;
import com.imagegate.billing.CustomTerms;
import com.imagegate.billing.Plans;
import com.imagegate.generation.Caller;
import com.imagegate.generation.EnhancementRequest;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.GenerationException.Reason;
import com.imagegate.generation.GenerationRequest;
import com.imagegate.generation.Generations;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.RequestField;
import com.imagegate.generation.TaskEventLimits;
import com.imagegate.generation.TaskEventStream;
import com.imagegate.generation.TaskEvents;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.security.web.servletapi.SecurityContextHolderAwareRequestFilter;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every error code of the API's error table (API.md "Errors", which the README's API section points to, plus the codes
 * the README names: invalid_json, account_suspended, task_already_finished, method_not_allowed, image_too_large), as
 * the API answers it: status, OpenAI error body ({@code type} and {@code code}), and the headers that go with it. The
 * API's own filters (request id, key authentication), {@link ImagesController} and {@link ApiExceptionHandler} run in
 * a standalone MockMvc; what lies behind them (keys, workspaces, plans, rate counters, generations) is mocked.
 */
class ApiErrorMappingTests {

    static final String KEY = "ig_live_" + "a".repeat(43);
    static final ApiKeyPrincipal PRINCIPAL = new ApiKeyPrincipal("key_1", "ws_1", ApiKeyMode.LIVE, null, null, null);
    static final WorkspaceSummary WORKSPACE = new WorkspaceSummary("ws_1", "Ada's workspace", true, false);
    static final String PROMPT = "{\"prompt\":\"A lighthouse at dawn\"}";

    final ApiKeys apiKeys = mock(ApiKeys.class);
    final Accounts accounts = mock(Accounts.class);
    final Generations generations = mock(Generations.class);
    final Plans plans = mock(Plans.class);
    final RequestRateLimiter limiter = mock(RequestRateLimiter.class);
    final TaskEvents taskEvents = mock(TaskEvents.class);
    MockMvc mvc;

    @BeforeEach
    void api() throws Exception {
        when(apiKeys.authenticate(eq(KEY), any())).thenReturn(Optional.of(PRINCIPAL));
        when(accounts.workspace("ws_1")).thenReturn(Optional.of(WORKSPACE));
        when(plans.current("ws_1"))
                .thenReturn(new CurrentPlan(
                        "free", "Free", 10, 2, null, false, false, null, null, CustomTerms.NONE, 10, 2));
        when(limiter.creation(anyString(), anyInt()))
                .thenReturn(new RequestRateLimiter.Usage(true, 10, 9, Duration.ofSeconds(60)));
        when(limiter.read(anyString(), anyInt()))
                .thenReturn(new RequestRateLimiter.Usage(true, 600, 599, Duration.ofSeconds(60)));

        ApiErrorWriter errors = new ApiErrorWriter(JsonMapper.shared());
        // What Spring Security's chain does after authentication: the request's principal is the authentication.
        var principalFromSecurityContext = new SecurityContextHolderAwareRequestFilter();
        principalFromSecurityContext.afterPropertiesSet();
        var oneStreamPerWorkspace = new ApiProperties(
                1024, 600, new ApiProperties.Streams(Duration.ofSeconds(15), 1, Duration.ofMinutes(30)));
        mvc = MockMvcBuilders.standaloneSetup(
                        new ImagesController(generations, plans, limiter, new ApiProperties(1024, 600)),
                        new TaskEventsController(
                                taskEvents, limiter, oneStreamPerWorkspace, errors, JsonMapper.shared()))
                .setControllerAdvice(new ApiExceptionHandler())
                .addFilters(
                        new RequestIdFilter(errors),
                        new ApiKeyAuthenticationFilter(apiKeys, accounts, errors),
                        principalFromSecurityContext)
                .build();
    }

    static MockHttpServletRequestBuilder generation(String body) {
        return post("/api/v1/images/generations")
                .header("Authorization", "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .content(body);
    }

    static MockHttpServletRequestBuilder task(String id) {
        return get("/api/v1/images/tasks/" + id).header("Authorization", "Bearer " + KEY);
    }

    ResultActions expectError(MockHttpServletRequestBuilder request, int status, String type, String code)
            throws Exception {
        return mvc.perform(request)
                .andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(header().string("x-request-id", matchesPattern("\\S+")))
                .andExpect(jsonPath("$.error.type").value(type))
                .andExpect(jsonPath("$.error.code").value(code))
                .andExpect(jsonPath("$.error.message").isNotEmpty())
                .andExpect(content().string(not(containsString("Exception"))))
                .andExpect(content().string(not(containsString("\tat "))));
    }

    void generationsRefuse(Reason reason) {
        when(generations.accept(any(Caller.class), any(GenerationRequest.class)))
                .thenThrow(new GenerationException(reason, "Refused: " + reason, Duration.ofSeconds(3)));
    }

    // --- 400

    @Test
    void invalidValue() throws Exception {
        expectError(
                        generation(PROMPT).header("Idempotency-Key", "k".repeat(256)),
                        400,
                        "invalid_request_error",
                        "invalid_value")
                .andExpect(jsonPath("$.error.param").value("Idempotency-Key"));
        expectError(generation("{\"prompt\":\"x\",\"size\":\"7x7\"}"), 400, "invalid_request_error", "invalid_value")
                .andExpect(jsonPath("$.error.param").value("size"));
        expectError(task("task_1").param("wait", "61"), 400, "invalid_request_error", "invalid_value")
                .andExpect(jsonPath("$.error.param").value("wait"));
    }

    @Test
    void missingRequiredParameter() throws Exception {
        expectError(generation("{\"n\":1}"), 400, "invalid_request_error", "missing_required_parameter")
                .andExpect(jsonPath("$.error.param").value("prompt"));
    }

    @Test
    void unknownParameter() throws Exception {
        expectError(
                        generation("{\"prompt\":\"x\",\"colour\":\"red\"}"),
                        400,
                        "invalid_request_error",
                        "unknown_parameter")
                .andExpect(jsonPath("$.error.param").value("colour"));
    }

    @Test
    void invalidJson() throws Exception {
        expectError(generation("{not json"), 400, "invalid_request_error", "invalid_json");
        expectError(generation(""), 400, "invalid_request_error", "invalid_json");
    }

    @Test
    void aCodeFromTheGenerationModuleKeepsItsCodeAndParam() throws Exception {
        when(generations.accept(any(Caller.class), any(GenerationRequest.class)))
                .thenThrow(new InvalidRequestException("image_urls", "image_too_large", "The image is too large."));

        expectError(generation(PROMPT), 400, "invalid_request_error", "image_too_large")
                .andExpect(jsonPath("$.error.param").value("image_urls"));
    }

    @Test
    void aFieldTheGenerationModuleRefusesIsNamedInThisApisTerms() throws Exception {
        when(generations.accept(any(Caller.class), any(GenerationRequest.class)))
                .thenThrow(new InvalidRequestException(
                        RequestField.IMAGE_URLS,
                        2,
                        "payload_too_large",
                        names -> names.name(RequestField.IMAGE_URLS, 2) + ": the image is larger than 20 MB."));

        expectError(generation(PROMPT), 413, "invalid_request_error", "payload_too_large")
                .andExpect(jsonPath("$.error.param").value("image_urls[2]"))
                .andExpect(jsonPath("$.error.message").value("image_urls[2]: the image is larger than 20 MB."));
    }

    @Test
    void anEnhancementsImageIsItsImageUrl() throws Exception {
        when(generations.enhance(any(Caller.class), any(EnhancementRequest.class)))
                .thenThrow(new InvalidRequestException(
                        RequestField.IMAGE,
                        -1,
                        "invalid_value",
                        names -> names.name(RequestField.IMAGE, -1)
                                + ": the content is not a PNG, JPEG or WebP image."));

        expectError(
                        post("/api/v1/images/enhancements")
                                .header("Authorization", "Bearer " + KEY)
                                .contentType(MediaType.APPLICATION_JSON)
                                .content("{\"image_url\":\"https://example.com/a.png\"}"),
                        400,
                        "invalid_request_error",
                        "invalid_value")
                .andExpect(jsonPath("$.error.param").value("image_url"))
                .andExpect(
                        jsonPath("$.error.message").value("image_url: the content is not a PNG, JPEG or WebP image."));
        expectError(
                        post("/api/v1/images/enhancements")
                                .header("Authorization", "Bearer " + KEY)
                                .contentType(MediaType.APPLICATION_JSON)
                                .content("{\"image_url\":\"https://example.com/a.png\",\"scale\":3}"),
                        400,
                        "invalid_request_error",
                        "invalid_value")
                .andExpect(jsonPath("$.error.param").value("scale"))
                .andExpect(jsonPath("$.error.message").value("scale must be 2 or 4."));
    }

    // --- 401, 403

    @Test
    void invalidApiKey() throws Exception {
        expectError(post("/api/v1/images/generations").content(PROMPT), 401, "invalid_request_error", "invalid_api_key")
                .andExpect(header().string("WWW-Authenticate", "Bearer"));
        expectError(
                        post("/api/v1/images/generations").header("Authorization", "Basic abc"),
                        401,
                        "invalid_request_error",
                        "invalid_api_key")
                .andExpect(header().string("WWW-Authenticate", "Bearer error=\"invalid_request\""));
        expectError(
                        get("/api/v1/images/tasks/task_1").header("Authorization", "Bearer ig_live_unknown"),
                        401,
                        "invalid_request_error",
                        "invalid_api_key")
                .andExpect(header().string("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }

    @Test
    void accountSuspended() throws Exception {
        when(accounts.workspace("ws_1")).thenReturn(Optional.of(new WorkspaceSummary("ws_1", "Ada's", true, true)));

        expectError(generation(PROMPT), 403, "invalid_request_error", "account_suspended");
    }

    // --- 404, 405

    @Test
    void notFound() throws Exception {
        when(generations.get("ws_1", "task_x")).thenThrow(new GenerationException(Reason.NOT_FOUND, "No such task."));

        expectError(task("task_x"), 404, "invalid_request_error", "not_found");
        expectError(
                get("/api/v1/no-such-thing").header("Authorization", "Bearer " + KEY),
                404,
                "invalid_request_error",
                "not_found");
    }

    static MockHttpServletRequestBuilder events(String id) {
        return get("/api/v1/images/tasks/" + id + "/events")
                .header("Authorization", "Bearer " + KEY)
                .header("Accept", "text/event-stream");
    }

    /**
     * A task's event stream refuses as JSON before it starts, whatever the Accept header says: the generation module
     * counts the cap (with the API's settings, in the API's pool) and says why it refused.
     */
    @Test
    void taskEventsOfAnUnknownTaskAre404AndAStreamOverTheWorkspacesCapIs429() throws Exception {
        var apiLimits = new TaskEventLimits("api", 1, Duration.ofSeconds(15), Duration.ofMinutes(30));
        when(taskEvents.open(eq("ws_1"), eq("task_x"), any(), eq(apiLimits), any()))
                .thenThrow(new GenerationException(Reason.NOT_FOUND, "No such task."));
        when(taskEvents.open(eq("ws_1"), eq("task_2"), any(), eq(apiLimits), any()))
                .thenThrow(new GenerationException(Reason.TOO_MANY_STREAMS, "Too many open task event streams."));
        when(taskEvents.open(eq("ws_1"), eq("task_1"), any(), eq(apiLimits), any()))
                .thenReturn(Optional.of((TaskEventStream) () -> {}));

        expectError(events("task_x"), 404, "invalid_request_error", "not_found");
        mvc.perform(events("task_1")).andExpect(request().asyncStarted());
        expectError(events("task_2"), 429, "requests", "too_many_streams");
    }

    /** A burst that leaves no pooled connection for a request answers 503 server_busy (retry), not a 500. */
    @Test
    void noDatabaseConnectionWithinThePoolsWaitIs503ServerBusy() throws Exception {
        var apiLimits = new TaskEventLimits("api", 1, Duration.ofSeconds(15), Duration.ofMinutes(30));
        when(taskEvents.open(eq("ws_1"), eq("task_busy"), any(), eq(apiLimits), any()))
                .thenThrow(new CannotGetJdbcConnectionException(
                        "Failed to obtain JDBC Connection",
                        new SQLTransientConnectionException("HikariPool-1 - Connection is not available")));

        expectError(events("task_busy"), 503, "server_error", "server_busy")
                .andExpect(header().string("Retry-After", "1"));
    }

    @Test
    void methodNotAllowed() throws Exception {
        expectError(
                        delete("/api/v1/images/tasks").header("Authorization", "Bearer " + KEY),
                        405,
                        "invalid_request_error",
                        "method_not_allowed")
                .andExpect(header().string("Allow", containsString("GET")));
    }

    // --- 409

    @Test
    void idempotencyConflict() throws Exception {
        generationsRefuse(Reason.IDEMPOTENCY_CONFLICT);

        expectError(
                        generation(PROMPT).header("Idempotency-Key", "k1"),
                        409,
                        "invalid_request_error",
                        "idempotency_conflict")
                .andExpect(jsonPath("$.error.param").value("Idempotency-Key"));
    }

    @Test
    void taskAlreadyFinished() throws Exception {
        when(generations.cancel("ws_1", "task_1"))
                .thenThrow(new GenerationException(Reason.ALREADY_FINISHED, "The task already ended."));

        expectError(
                post("/api/v1/images/tasks/task_1/cancel").header("Authorization", "Bearer " + KEY),
                409,
                "invalid_request_error",
                "task_already_finished");
    }

    // --- 413

    @Test
    void payloadTooLarge() throws Exception {
        String big = "{\"prompt\":\"" + "x".repeat(2000) + "\"}";

        expectError(generation(big), 413, "invalid_request_error", "payload_too_large");
    }

    // --- 429

    @Test
    void rateLimitExceededByCreations() throws Exception {
        when(limiter.creation(anyString(), anyInt()))
                .thenReturn(new RequestRateLimiter.Usage(false, 10, 0, Duration.ofMillis(12_300)));

        expectError(generation(PROMPT), 429, "requests", "rate_limit_exceeded")
                .andExpect(header().string("Retry-After", "13"))
                .andExpect(header().string("x-ratelimit-limit-requests", "10"))
                .andExpect(header().string("x-ratelimit-remaining-requests", "0"))
                .andExpect(header().string("x-ratelimit-reset-requests", "13s"));
    }

    @Test
    void rateLimitExceededByReads() throws Exception {
        when(limiter.read(anyString(), anyInt()))
                .thenReturn(new RequestRateLimiter.Usage(false, 600, 0, Duration.ofSeconds(5)));

        expectError(task("task_1"), 429, "requests", "rate_limit_exceeded")
                .andExpect(header().string("Retry-After", "5"));
    }

    @Test
    void rateLimitExceededByConcurrentTasks() throws Exception {
        generationsRefuse(Reason.TOO_MANY_CONCURRENT_TASKS);

        expectError(generation(PROMPT), 429, "requests", "rate_limit_exceeded")
                .andExpect(header().string("Retry-After", "3"));
    }

    @Test
    void maxCreditsExceeded() throws Exception {
        generationsRefuse(Reason.MAX_CREDITS_EXCEEDED);

        expectError(generation(PROMPT), 400, "invalid_request_error", "max_credits_exceeded")
                .andExpect(jsonPath("$.error.param").value("max_credits"))
                .andExpect(header().doesNotExist("Retry-After"));
    }

    @Test
    void insufficientQuota() throws Exception {
        generationsRefuse(Reason.INSUFFICIENT_QUOTA);
        expectError(generation(PROMPT), 429, "insufficient_quota", "insufficient_quota")
                .andExpect(header().string("x-should-retry", "false"))
                .andExpect(header().doesNotExist("Retry-After"));
    }

    @Test
    void insufficientQuotaWhenTheKeysMonthlyCapIsReached() throws Exception {
        generationsRefuse(Reason.KEY_CAP_REACHED);

        expectError(generation(PROMPT), 429, "insufficient_quota", "insufficient_quota")
                .andExpect(header().string("x-should-retry", "false"));
    }

    // --- 500

    @Test
    void serverErrorWithoutTheFailuresText() throws Exception {
        when(generations.get("ws_1", "task_1")).thenThrow(new IllegalStateException("db password is hunter2"));

        expectError(task("task_1"), 500, "server_error", "server_error")
                .andExpect(jsonPath("$.error.param").value(nullValue()))
                .andExpect(content().string(not(containsString("hunter2"))));
    }
}
