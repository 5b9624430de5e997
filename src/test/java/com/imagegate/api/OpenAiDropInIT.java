package com.imagegate.api;

import static com.imagegate.testsupport.TestImages.decode;
import static com.imagegate.testsupport.TestImages.encode;
import static com.imagegate.testsupport.TestImages.leftHalfOpaque;
import static com.imagegate.testsupport.TestImages.png;
import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MultipartForm;
import com.imagegate.testsupport.MultipartForm.Part;
import com.imagegate.testsupport.TestImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAI drop-in over real HTTP: every field rule, both response formats, refunds, idempotent retries, tenant
 * isolation, and many synchronous waits on a Tomcat of 10 platform threads (so a waiting request must not hold one).
 * {@link OpenAiSdkIT} shares this context (same properties).
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.sandbox.delay=2s",
            "imagegate.plans.free.requests-per-minute=1000",
            "imagegate.plans.free.concurrent-tasks=100",
            "spring.threads.virtual.enabled=false",
            "server.tomcat.threads.max=10",
            "server.tomcat.threads.min-spare=2"
        })
class OpenAiDropInIT {

    @LocalServerPort
    int port;

    ApiClient api() {
        return new ApiClient(port);
    }

    HttpResponse<String> generate(String secret, String body, String... headers) {
        return api().send("POST", "/v1/images/generations", "Bearer " + secret, body, headers);
    }

    long spendable(String secret) {
        return ApiClient.json(api().get("/api/v1/account", secret))
                .path("credits")
                .path("balance")
                .asLong();
    }

    static JsonNode error(HttpResponse<String> response) {
        return ApiClient.json(response).path("error");
    }

    HttpResponse<String> edit(String secret, List<Part> parts, String... headers) {
        return MultipartForm.post(port, "/v1/images/edits", secret, parts, headers);
    }

    @Test
    void everyGenerationFieldRuleIsA400InOpenAisShapeAndChargesNothing() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String tooLong = "a".repeat(32_001);
        // body → param, code
        Map<String, List<String>> cases = new LinkedHashMap<>();
        cases.put("{}", List.of("prompt", "missing_required_parameter"));
        cases.put("{\"prompt\":\"   \"}", List.of("prompt", "invalid_value"));
        cases.put("{\"prompt\":\"" + tooLong + "\"}", List.of("prompt", "invalid_value"));
        cases.put("{\"prompt\":42}", List.of("prompt", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"size\":\"512x512\"}", List.of("size", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"size\":\"1792x1024\"}", List.of("size", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"n\":0}", List.of("n", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"n\":11}", List.of("n", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"n\":\"2\"}", List.of("n", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"quality\":\"hd\"}", List.of("quality", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"quality\":\"standard\"}", List.of("quality", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"output_format\":\"gif\"}", List.of("output_format", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"response_format\":\"base64\"}", List.of("response_format", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"model\":\"dall-e-3\"}", List.of("model", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"user\":\"" + "u".repeat(257) + "\"}", List.of("user", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"background\":\"transparent\"}", List.of("background", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"background\":\"pink\"}", List.of("background", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"moderation\":\"none\"}", List.of("moderation", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"output_compression\":101}", List.of("output_compression", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"partial_images\":4}", List.of("partial_images", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"stream\":\"true\"}", List.of("stream", "invalid_value"));
        cases.put("{\"prompt\":\"x\",\"style\":\"vivid\"}", List.of("style", "unknown_parameter"));
        cases.put(
                "{\"prompt\":\"x\",\"image_urls\":[\"https://example.com/a.png\"]}",
                List.of("image_urls", "unknown_parameter"));
        cases.put(
                "{\"prompt\":\"x\",\"callback_url\":\"https://example.com/\"}",
                List.of("callback_url", "unknown_parameter"));
        for (var rule : cases.entrySet()) {
            var refused = generate(user.secret(), rule.getKey());
            String what = rule.getKey().length() > 80 ? rule.getKey().substring(0, 80) : rule.getKey();
            assertThat(refused.statusCode()).as(what).isEqualTo(400);
            assertThat(refused.headers().firstValue("x-should-retry")).as(what).contains("false");
            assertThat(refused.headers().firstValue("x-request-id")).as(what).isPresent();
            JsonNode error = error(refused);
            assertThat(error.path("type").asString()).as(what).isEqualTo("invalid_request_error");
            assertThat(error.path("param").asString())
                    .as(what)
                    .isEqualTo(rule.getValue().get(0));
            assertThat(error.path("code").asString())
                    .as(what)
                    .isEqualTo(rule.getValue().get(1));
            assertThat(error.path("message").asString()).as(what).isNotBlank();
        }
        var notJson = generate(user.secret(), "{not json");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(error(notJson).path("code").asString()).isEqualTo("invalid_json");
        var badKey = generate(user.secret(), "{\"prompt\":\"x\"}", "Idempotency-Key", "k".repeat(256));
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(error(badKey).path("param").asString()).isEqualTo("Idempotency-Key");
        assertThat(spendable(user.secret())).isEqualTo(100);
    }

    @Test
    void everyEditFieldRuleIsA400AndChargesNothing() {
        var user = ApiUsers.signUpWithKey(port, "live");
        byte[] image = png(64, 48, Color.RED);
        var prompt = Part.field("prompt", "x");

        var noImage = edit(user.secret(), List.of(prompt));
        assertThat(noImage.statusCode()).isEqualTo(400);
        assertThat(error(noImage).path("param").asString()).isEqualTo("image");
        assertThat(error(noImage).path("code").asString()).isEqualTo("missing_required_parameter");

        var noPrompt = edit(user.secret(), List.of(Part.file("image", image, "image/png")));
        assertThat(noPrompt.statusCode()).isEqualTo(400);
        assertThat(error(noPrompt).path("param").asString()).isEqualTo("prompt");

        var notAnImage = edit(
                user.secret(),
                List.of(
                        prompt,
                        Part.file("image[]", image, "image/png"),
                        Part.file("image[]", "hello".getBytes(StandardCharsets.UTF_8), "image/png")));
        assertThat(notAnImage.statusCode()).as(notAnImage.body()).isEqualTo(400);
        assertThat(error(notAnImage).path("param").asString()).isEqualTo("image[1]");

        var jpegMask = edit(
                user.secret(),
                List.of(
                        prompt,
                        Part.file("image", image, "image/png"),
                        Part.file(
                                "mask",
                                encode(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), "jpeg"),
                                "image/jpeg")));
        assertThat(jpegMask.statusCode()).isEqualTo(400);
        assertThat(error(jpegMask).path("param").asString()).isEqualTo("mask");

        var maskOfAnotherSize = edit(
                user.secret(),
                List.of(
                        prompt,
                        Part.file("image", image, "image/png"),
                        Part.file("mask", png(32, 32, Color.BLACK), "image/png")));
        assertThat(maskOfAnotherSize.statusCode()).isEqualTo(400);
        assertThat(error(maskOfAnotherSize).path("message").asString()).contains("same width and height");

        var otherFile = edit(user.secret(), List.of(prompt, Part.file("picture", image, "image/png")));
        assertThat(otherFile.statusCode()).isEqualTo(400);
        assertThat(error(otherFile).path("code").asString()).isEqualTo("unknown_parameter");

        var badN = edit(user.secret(), List.of(prompt, Part.field("n", "two"), Part.file("image", image, "image/png")));
        assertThat(badN.statusCode()).isEqualTo(400);
        assertThat(error(badN).path("param").asString()).isEqualTo("n");

        var twice = edit(
                user.secret(),
                List.of(
                        prompt,
                        Part.field("size", "1024x1024"),
                        Part.field("size", "auto"),
                        Part.file("image", image, "image/png")));
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(error(twice).path("param").asString()).isEqualTo("size");

        var badSize = edit(
                user.secret(), List.of(prompt, Part.field("size", "256x256"), Part.file("image", image, "image/png")));
        assertThat(badSize.statusCode()).isEqualTo(400);
        assertThat(error(badSize).path("param").asString()).isEqualTo("size");

        var json = api().send("POST", "/v1/images/edits", "Bearer " + user.secret(), "{\"prompt\":\"x\"}");
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(error(json).path("message").asString()).contains("multipart/form-data");

        var tooLarge =
                edit(user.secret(), List.of(prompt, Part.file("image", new byte[21 * 1024 * 1024], "image/png")));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(error(tooLarge).path("code").asString()).isEqualTo("payload_too_large");

        assertThat(spendable(user.secret())).isEqualTo(100);
    }

    @Test
    void answersInlineBase64ByDefaultAndSignedLinksOnRequest() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");

        var inline = generate(user.secret(), """
                {"model":"gpt-image-2","prompt":"A blue vase","size":"1024x1536","quality":"low","n":2}""");
        assertThat(inline.statusCode()).as(inline.body()).isEqualTo(200);
        assertThat(inline.headers().firstValue("x-imagegate-task-id"))
                .hasValueSatisfying(id -> assertThat(id).startsWith("task_"));
        JsonNode body = ApiClient.json(inline);
        assertThat(body.path("created").asLong()).isPositive();
        assertThat(body.path("size").asString()).isEqualTo("1024x1536");
        assertThat(body.path("quality").asString()).isEqualTo("auto");
        assertThat(body.path("output_format").asString()).isEqualTo("png");
        assertThat(body.path("data")).hasSize(2);
        for (JsonNode datum : body.path("data")) {
            assertThat(datum.has("url")).isFalse();
            BufferedImage image =
                    decode(Base64.getDecoder().decode(datum.path("b64_json").asString()));
            assertThat(image.getWidth()).isEqualTo(1024);
            assertThat(image.getHeight()).isEqualTo(1536);
        }

        var linked = generate(user.secret(), """
                {"prompt":"A green vase","size":"1920x1088","quality":"high","output_format":"jpeg",
                 "response_format":"url","user":"end-user-7"}""");
        assertThat(linked.statusCode()).as(linked.body()).isEqualTo(200);
        JsonNode linkedBody = ApiClient.json(linked);
        assertThat(linkedBody.path("quality").asString()).isEqualTo("high");
        assertThat(linkedBody.path("output_format").asString()).isEqualTo("jpeg");
        String url = linkedBody.path("data").get(0).path("url").asString();
        assertThat(linkedBody.path("data").get(0).has("b64_json")).isFalse();
        assertThat(url).contains("/files/").contains("sig=");
        var file = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(url.replace("http://localhost:8080", "http://localhost:" + port)))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).contains("image/jpeg");
        assertThat(decode(file.body()).getWidth()).isEqualTo(1920);

        var auto = generate(user.secret(), "{\"prompt\":\"A red vase\",\"size\":\"auto\",\"quality\":\"medium\"}");
        assertThat(auto.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(auto).path("size").asString()).matches("\\d+x\\d+");

        // The same prices as /api/v1: 2 × 10 (standard) + 20 (full HD) + 10 (auto).
        assertThat(spendable(user.secret())).isEqualTo(100 - 20 - 20 - 10);

        // The task is an ordinary task of the workspace, visible in /api/v1 with its end user.
        String taskId = linked.headers().firstValue("x-imagegate-task-id").orElseThrow();
        JsonNode task = ApiClient.json(api().get("/api/v1/images/tasks/" + taskId, user.secret()));
        assertThat(task.path("status").asString()).isEqualTo("succeeded");
        assertThat(task.path("user").asString()).isEqualTo("end-user-7");
        assertThat(task.path("credits").asLong()).isEqualTo(20);
        // Every answer says what it was charged: the task's captured credits.
        assertThat(linked.headers().firstValue("x-imagegate-credits"))
                .contains(String.valueOf(task.path("credits_captured").asLong()))
                .contains("20");
        String inlineId = inline.headers().firstValue("x-imagegate-task-id").orElseThrow();
        JsonNode inlineTask = ApiClient.json(api().get("/api/v1/images/tasks/" + inlineId, user.secret()));
        assertThat(inline.headers().firstValue("x-imagegate-credits"))
                .contains(String.valueOf(inlineTask.path("credits_captured").asLong()))
                .contains("20");
    }

    @Test
    void editsTakeSeveralUploadsAndAMask() {
        var user = ApiUsers.signUpWithKey(port, "live");
        var edited = edit(
                user.secret(),
                List.of(
                        Part.field("prompt", "Both on one shelf"),
                        Part.field("size", "1536x1024"),
                        Part.field("output_format", "webp"),
                        Part.field("response_format", "b64_json"),
                        Part.file("image[]", png(64, 48, Color.RED), "image/png"),
                        Part.file("image[]", png(80, 80, Color.BLUE), "image/png"),
                        Part.file("mask", png(64, 48, new Color(0, 0, 0, 0)), "image/png")));
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        JsonNode body = ApiClient.json(edited);
        assertThat(body.path("output_format").asString()).isEqualTo("webp");
        BufferedImage image = decode(Base64.getDecoder()
                .decode(body.path("data").get(0).path("b64_json").asString()));
        assertThat(image.getWidth()).isEqualTo(1536);
        assertThat(image.getHeight()).isEqualTo(1024);
        assertThat(spendable(user.secret())).isEqualTo(90);
    }

    /**
     * The mask is applied, not just checked: where it is opaque the first image is kept, pixel for pixel; where it is
     * fully transparent the image is drawn anew.
     */
    @Test
    void aMaskKeepsTheFirstImageWhereItIsOpaque() {
        var user = ApiUsers.signUpWithKey(port, "live");
        var edited = edit(
                user.secret(),
                List.of(
                        Part.field("prompt", "Paint the right half"),
                        Part.field("size", "1024x1024"),
                        Part.field("response_format", "b64_json"),
                        Part.file("image", png(64, 64, Color.RED), "image/png"),
                        Part.file("mask", leftHalfOpaque(64, 64), "image/png")));
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        BufferedImage image = decode(Base64.getDecoder()
                .decode(ApiClient.json(edited)
                        .path("data")
                        .get(0)
                        .path("b64_json")
                        .asString()));
        assertThat(image.getWidth()).isEqualTo(1024);
        int red = Color.RED.getRGB() & 0xFFFFFF;
        for (int y = 8; y < 1024; y += 97) {
            for (int x = 8; x < 500; x += 61) {
                assertThat(image.getRGB(x, y) & 0xFFFFFF)
                        .as("kept at %d,%d", x, y)
                        .isEqualTo(red);
            }
        }
        long redOnTheRight = TestImages.sampledPixelsOf(image, red, 524);
        assertThat(redOnTheRight).as("the right half is drawn anew").isLessThan(100);
    }

    @Test
    void aFailedTaskIsAnOpenAiErrorAndItsCreditsComeBack() {
        var user = ApiUsers.signUpWithKey(port, "live");
        var failed = generate(user.secret(), "{\"prompt\":\"please [[fail]]\",\"n\":3}");
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
        JsonNode error = error(failed);
        assertThat(error.path("type").asString()).isEqualTo("server_error");
        assertThat(error.path("code").asString()).isEqualTo("generation_failed");
        assertThat(error.path("message").asString()).contains("credits were released");
        assertThat(failed.headers().firstValue("x-request-id")).isPresent();
        String taskId = failed.headers().firstValue("x-imagegate-task-id").orElseThrow();
        JsonNode task = ApiClient.json(api().get("/api/v1/images/tasks/" + taskId, user.secret()));
        assertThat(task.path("status").asString()).isEqualTo("failed");
        assertThat(task.path("credits_refunded").asBoolean()).isTrue();
        assertThat(failed.headers().firstValue("x-imagegate-credits")).contains("0");
        assertThat(spendable(user.secret())).isEqualTo(100);

        // The same with an Idempotency-Key: a retry would only replay the failure, so the SDK is told not to.
        var keyed = generate(user.secret(), "{\"prompt\":\"again [[fail]]\"}", "Idempotency-Key", "fail-1");
        assertThat(keyed.statusCode()).isEqualTo(500);
        assertThat(keyed.headers().firstValue("x-should-retry")).contains("false");
        assertThat(spendable(user.secret())).isEqualTo(100);
    }

    @Test
    void noCreditsIsInsufficientQuotaThatTheSdkMustNotRetry() {
        var user = ApiUsers.signUpWithKey(port, "live");
        var refused = generate(user.secret(), "{\"prompt\":\"x\",\"n\":10,\"size\":\"3824x2160\"}");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("x-should-retry")).contains("false");
        assertThat(error(refused).path("type").asString()).isEqualTo("insufficient_quota");
        assertThat(error(refused).path("code").asString()).isEqualTo("insufficient_quota");
        assertThat(spendable(user.secret())).isEqualTo(100);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyWaitsForTheFirstTaskAndPaysOnce() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        String body = "{\"prompt\":\"Retry me\",\"size\":\"1024x1024\"}";
        var first = CompletableFuture.supplyAsync(() -> generate(user.secret(), body, "Idempotency-Key", "order-42"));
        // The retry comes while the first attempt's task is still rendering (the sandbox takes 2 s).
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> spendable(user.secret()) == 90);
        var retry = generate(user.secret(), body, "Idempotency-Key", "order-42");
        var original = first.get();
        assertThat(original.statusCode()).isEqualTo(200);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("x-imagegate-task-id"))
                .isEqualTo(original.headers().firstValue("x-imagegate-task-id"));
        assertThat(spendable(user.secret())).isEqualTo(90);

        var otherBody = generate(user.secret(), "{\"prompt\":\"Something else\"}", "Idempotency-Key", "order-42");
        assertThat(otherBody.statusCode()).isEqualTo(409);
        assertThat(otherBody.headers().firstValue("x-should-retry")).contains("false");
        assertThat(error(otherBody).path("code").asString()).isEqualTo("idempotency_conflict");
    }

    @Test
    void anSdkRetryAfterAClientTimeoutWaitsForTheRunningTaskInsteadOfPayingTwice() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        String body = "{\"prompt\":\"Slow poster\",\"size\":\"1024x1024\"}";
        // The SDK's first attempt gives up after its timeout; the task it started keeps rendering.
        var impatient = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/images/generations"))
                .timeout(Duration.ofMillis(500))
                .header("Authorization", "Bearer " + user.secret())
                .header("Content-Type", "application/json")
                .header("X-Stainless-Retry-Count", "0")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpClient.newHttpClient().send(impatient, HttpResponse.BodyHandlers.ofString());
            throw new AssertionError("the first attempt should have timed out");
        } catch (HttpTimeoutException expected) {
            // as the SDK sees it
        }
        assertThat(spendable(user.secret())).isEqualTo(90);
        var retry = generate(user.secret(), body, "X-Stainless-Retry-Count", "1");
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(ApiClient.json(retry).path("data")).hasSize(1);
        assertThat(spendable(user.secret())).isEqualTo(90);
        JsonNode tasks = ApiClient.json(api().get("/api/v1/images/tasks", user.secret()));
        assertThat(tasks.path("data")).hasSize(1);

        // A new call (retry count 0) with the same body is a new image, paid again.
        var again = generate(user.secret(), body, "X-Stainless-Retry-Count", "0");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("x-imagegate-task-id"))
                .isNotEqualTo(retry.headers().firstValue("x-imagegate-task-id"));
        assertThat(spendable(user.secret())).isEqualTo(80);
    }

    @Test
    void workspacesNeverShareTasksThroughKeysOrRetries() {
        var alice = ApiUsers.signUpWithKey(port, "live");
        var bob = ApiUsers.signUpWithKey(port, "live");
        String body = "{\"prompt\":\"Same words\"}";
        // Alice's keyed call and her keyless call (which an SDK retry of hers would find).
        var hers = generate(alice.secret(), body, "Idempotency-Key", "shared-key");
        var hersKeyless = generate(alice.secret(), body, "X-Stainless-Retry-Count", "0");
        // Bob uses the same Idempotency-Key, and sends what looks like a retry of her keyless call.
        var his = generate(bob.secret(), body, "Idempotency-Key", "shared-key");
        var hisRetry = generate(bob.secret(), body, "X-Stainless-Retry-Count", "1");
        for (var answer : List.of(hers, hersKeyless, his, hisRetry)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
        String herTask = hers.headers().firstValue("x-imagegate-task-id").orElseThrow();
        String herKeylessTask =
                hersKeyless.headers().firstValue("x-imagegate-task-id").orElseThrow();
        String histask = his.headers().firstValue("x-imagegate-task-id").orElseThrow();
        String hisRetryTask =
                hisRetry.headers().firstValue("x-imagegate-task-id").orElseThrow();
        assertThat(List.of(histask, hisRetryTask)).doesNotContain(herTask, herKeylessTask);
        assertThat(spendable(alice.secret())).isEqualTo(80);
        assertThat(spendable(bob.secret())).isEqualTo(80);
        assertThat(api().get("/api/v1/images/tasks/" + herTask, bob.secret()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void modelsAreListedInOpenAisShape() {
        var user = ApiUsers.signUpWithKey(port, "test");
        JsonNode list = ApiClient.json(api().get("/v1/models", user.secret()));
        assertThat(list.path("object").asString()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(m -> ids.add(m.path("id").asString()));
        assertThat(ids).contains("gpt-image-2", "gpt-image-2-text-to-image", "gpt-image-2-image-to-image");
        JsonNode one = ApiClient.json(api().get("/v1/models/gpt-image-2", user.secret()));
        assertThat(one.path("object").asString()).isEqualTo("model");
        assertThat(one.path("owned_by").asString()).isEqualTo("imagegate");
        var unknown = api().get("/v1/models/dall-e-2", user.secret());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown).path("code").asString()).isEqualTo("model_not_found");
        var noKey = api().get("/v1/models", null);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(error(noKey).path("code").asString()).isEqualTo("invalid_api_key");
        assertThat(api().get("/v1/nothing-here", user.secret()).statusCode()).isEqualTo(404);
    }

    @Test
    void theDocsPageShowsTheSdkSnippetsWithThisServersBaseUrl() {
        var docs = api().send("GET", "/docs", null, null);
        assertThat(docs.statusCode()).isEqualTo(200);
        String page = HtmlUtils.htmlUnescape(docs.body());
        assertThat(page)
                .contains(
                        "new OpenAI({ baseURL: \"http://localhost:8080/v1\", apiKey: process.env.IMAGEGATE_API_KEY })")
                .contains("OpenAI(base_url=\"http://localhost:8080/v1\", api_key=os.environ[\"IMAGEGATE_API_KEY\"])")
                .contains("low</code> → <code>auto</code>")
                .contains("Idempotency-Key");
    }

    @Test
    void fiftySynchronousWaitsCompleteOnTenServerThreads() {
        var user = ApiUsers.signUpWithKey(port, "test");
        var client = HttpClient.newHttpClient();
        long started = System.nanoTime();
        var outcomes = Concurrently.run(50, i -> {
            var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/images/generations"))
                    .timeout(Duration.ofSeconds(90))
                    .header("Authorization", "Bearer " + user.secret())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"prompt\":\"Wait " + i + "\",\"response_format\":\"url\"}"))
                    .build();
            try {
                return client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(outcomes).allSatisfy(outcome -> {
            assertThat(outcome.succeeded())
                    .as(String.valueOf(outcome.failure()))
                    .isTrue();
            assertThat(outcome.value().statusCode()).as(outcome.value().body()).isEqualTo(200);
        });
        // Were they all waiting at once? Were a request to hold its thread while it waits, only 10 could be in the
        // controller at a time, and the last tasks would be created at least 4 rounds × 2 s after the first.
        JsonNode tasks = ApiClient.json(api().get("/api/v1/images/tasks?limit=100", user.secret()));
        assertThat(tasks.path("data")).hasSize(50);
        List<Long> created = new ArrayList<>();
        tasks.path("data").forEach(task -> created.add(task.path("created_at").asLong()));
        long spread = Collections.max(created) - Collections.min(created);
        assertThat(spread)
                .as("seconds between the first and the last task created")
                .isLessThanOrEqualTo(3);
        System.out.println("50 synchronous generations on 10 Tomcat threads took " + took.toMillis()
                + " ms; tasks created within " + spread + " s");
    }
}
