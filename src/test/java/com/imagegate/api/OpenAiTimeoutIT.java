package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** A drop-in request whose task outlasts {@code imagegate.api.openai.max-wait}: 504, the task canceled and refunded. */
@MariaDbIntegrationTest(properties = {"imagegate.api.openai.max-wait=2s", "imagegate.generation.sandbox.delay=6s"})
class OpenAiTimeoutIT {

    @LocalServerPort
    int port;

    @Test
    void aTaskThatOutlastsTheWaitIsCanceledRefundedAndAnswered504() {
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        long started = System.nanoTime();
        var answer = api.send("POST", "/v1/images/generations", "Bearer " + user.secret(), "{\"prompt\":\"slow\"}");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(504);
        assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(6));
        assertThat(answer.headers().firstValue("x-should-retry")).contains("false");
        JsonNode error = ApiClient.json(answer).path("error");
        assertThat(error.path("type").asString()).isEqualTo("server_error");
        assertThat(error.path("code").asString()).isEqualTo("timeout");
        String taskId = answer.headers().firstValue("x-imagegate-task-id").orElseThrow();
        JsonNode task = ApiClient.json(api.get("/api/v1/images/tasks/" + taskId, user.secret()));
        assertThat(task.path("status").asString()).isEqualTo("canceled");
        assertThat(task.path("credits_refunded").asBoolean()).isTrue();
        assertThat(ApiClient.json(api.get("/api/v1/account", user.secret()))
                        .path("credits")
                        .path("balance")
                        .asLong())
                .isEqualTo(100);
    }

    @Test
    void tooManyRunningTasksIsA429WithTheRetryHeadersTheSdkReads() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        var api = new ApiClient(port);
        // The free plan runs 2 tasks at once; these two wait (and are canceled after max-wait).
        var first = CompletableFuture.supplyAsync(
                () -> api.send("POST", "/v1/images/generations", "Bearer " + user.secret(), "{\"prompt\":\"one\"}"));
        var second = CompletableFuture.supplyAsync(
                () -> api.send("POST", "/v1/images/generations", "Bearer " + user.secret(), "{\"prompt\":\"two\"}"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> ApiClient.json(api.get("/api/v1/account", user.secret()))
                                .path("credits")
                                .path("balance")
                                .asLong()
                        == 80);

        var third = api.send("POST", "/v1/images/generations", "Bearer " + user.secret(), "{\"prompt\":\"three\"}");

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(ApiClient.json(third).path("error").path("code").asString()).isEqualTo("rate_limit_exceeded");
        assertThat(third.headers().firstValue("retry-after")).contains("2");
        assertThat(third.headers().firstValue("retry-after-ms")).contains("2000");
        assertThat(third.headers().firstValue("x-should-retry")).isEmpty();
        assertThat(first.get().statusCode()).isEqualTo(504);
        assertThat(second.get().statusCode()).isEqualTo(504);
    }
}
