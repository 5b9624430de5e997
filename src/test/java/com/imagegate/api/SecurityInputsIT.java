package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MultipartForm;
import com.imagegate.testsupport.MultipartForm.Part;
import com.imagegate.testsupport.TestImages;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Inputs that must hold against an attacker (issue 18, ASVS V5/V12/V13), over real HTTP: image bombs refused from their
 * headers at every entry, bodies bounded while they are read, an SDK's retries counted like any request, and the read
 * limit on every read endpoint. Each refusal is in the documented error shape and changes nothing.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.fetch.allow-private-hosts=true",
            "imagegate.generation.sandbox.delay=0ms",
            "imagegate.plans.free.requests-per-minute=6",
            "imagegate.api.reads-per-minute=5"
        })
class SecurityInputsIT {

    static final int READS_PER_MINUTE = 5;
    static final int CREATIONS_PER_MINUTE = 6;
    /** A ~1 MB PNG whose header says 33000 × 33000: ~1 GB of pixels once decoded. */
    static final byte[] BOMB = TestImages.pngBomb(33_000, 33_000);

    static final HttpServer ORIGIN = startOrigin();

    @LocalServerPort
    int port;

    @AfterAll
    static void stopOrigin() {
        ORIGIN.stop(0);
    }

    static HttpServer startOrigin() {
        try {
            var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/bomb.png", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "image/png");
                exchange.sendResponseHeaders(200, BOMB.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(BOMB);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String origin(String path) {
        return "http://127.0.0.1:" + ORIGIN.getAddress().getPort() + path;
    }

    ApiClient api() {
        return new ApiClient(port);
    }

    static JsonNode error(HttpResponse<String> response) {
        return ApiClient.json(response).path("error");
    }

    long spendable(String secret) {
        return ApiClient.json(api().get("/api/v1/account", secret))
                .path("credits")
                .path("balance")
                .asLong();
    }

    /** Answered, and quickly: decoding the bomb would take seconds and a gigabyte of heap. */
    static HttpResponse<String> timed(Supplier<HttpResponse<String>> call) {
        long started = System.nanoTime();
        var response = call.get();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        return response;
    }

    static void assertRefused(HttpResponse<String> response, int status, String param, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode error = error(response);
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asString()).isEqualTo(code);
        if (param != null) {
            assertThat(error.path("param").asString()).isEqualTo(param);
        }
        assertThat(error.path("message").asString()).isNotBlank().doesNotContain("Exception");
    }

    @Test
    void anImageBombIsRefusedFromItsHeaderAsMaskUploadImageUrlAndEnhancementAndChangesNothing() {
        assertThat(BOMB.length).isLessThan(2 * 1024 * 1024);
        var user = ApiUsers.signUpWithKey(port, "live");
        long before = spendable(user.secret());
        long heapBefore = usedHeap();

        var asMask = timed(() -> MultipartForm.post(
                port,
                "/v1/images/edits",
                user.secret(),
                List.of(
                        Part.field("prompt", "x"),
                        Part.file("image", TestImages.png(64, 48, Color.RED), "image/png"),
                        Part.file("mask", BOMB, "image/png"))));
        assertRefused(asMask, 400, "mask", "image_too_large");
        assertThat(error(asMask).path("message").asString()).contains("33000x33000");
        assertThat(asMask.headers().firstValue("x-should-retry")).contains("false");

        var asUpload = timed(() -> MultipartForm.post(
                port,
                "/v1/images/edits",
                user.secret(),
                List.of(Part.field("prompt", "x"), Part.file("image", BOMB, "image/png"))));
        assertRefused(asUpload, 400, "image", "image_too_large");

        var asImageUrl = timed(() -> api().send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + user.secret(),
                        "{\"prompt\":\"x\",\"image_urls\":[\"" + origin("/bomb.png") + "\"]}"));
        assertRefused(asImageUrl, 400, "image_urls[0]", "image_too_large");

        var asEnhancement = timed(() -> api().send(
                        "POST",
                        "/api/v1/images/enhancements",
                        "Bearer " + user.secret(),
                        "{\"image_url\":\"" + origin("/bomb.png") + "\"}"));
        assertRefused(asEnhancement, 400, "image_url", "image_too_large");

        assertThat(spendable(user.secret())).isEqualTo(before);
        var tasks = ApiClient.json(api().get("/api/v1/images/tasks", user.secret()));
        assertThat(tasks.path("data").size()).as("no task row was written").isZero();
        // The server runs in this JVM: four decoded bombs would have grown the heap by gigabytes (or thrown an OOM).
        assertThat(usedHeap() - heapBefore).isLessThan(512L * 1024 * 1024);
    }

    @Test
    void aTwentyMegabyteStripeWebhookIsRefusedFromItsContentLengthWithoutBeingRead() throws IOException {
        long length = 20L * 1024 * 1024;
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Stripe-Signature: t=1,v1=00\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // Only 64 kB of the promised 20 MB is ever sent: the answer must come without the rest.
            out.write(new byte[64 * 1024]);
            out.flush();
            String answer = readAnswer(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(answer).contains("\"message\":\"The webhook body is larger than 1048576 bytes.\"");
        }
    }

    @Test
    void aChunkedWebhookIsRefusedOnceItPassesTheLimit() {
        var response = sendStreamed("/webhooks/stripe", null, 2 * 1024 * 1024, "application/json");
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("larger than 1048576 bytes");
    }

    @Test
    void oversizedJsonIsA413InTheApiShapeWhetherChunkedOrDeclared() throws IOException {
        var user = ApiUsers.signUpWithKey(port, "live");
        for (String path : List.of("/api/v1/images/generations", "/v1/images/generations")) {
            var chunked = sendStreamed(path, user.secret(), 2 * 1024 * 1024, "application/json");
            assertRefused(chunked, 413, null, "payload_too_large");
            assertThat(error(chunked).path("message").asString()).contains("1048576 bytes");
        }
        // A declared length over the limit is refused before a byte of the body is read.
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("POST /api/v1/images/generations HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                    + "Authorization: Bearer " + user.secret() + "\r\nContent-Length: "
                                    + (50L * 1024 * 1024)
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAnswer(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(answer).contains("\"code\":\"payload_too_large\"");
        }
        // A body just under the limit still gets through to the rules (here: not JSON, so 400 invalid_json).
        var underLimit = api().send("POST", "/api/v1/images/generations", "Bearer " + user.secret(), "x".repeat(1000));
        assertRefused(underLimit, 400, null, "invalid_json");
        assertThat(spendable(user.secret())).isEqualTo(100);
    }

    @Test
    void anUploadOverTheMultipartFileLimitIsA413InOpenAisShape() {
        var user = ApiUsers.signUpWithKey(port, "live");
        var response = MultipartForm.post(
                port,
                "/v1/images/edits",
                user.secret(),
                List.of(Part.field("prompt", "x"), Part.file("image", new byte[21 * 1024 * 1024], "image/png")));
        assertRefused(response, 413, null, "payload_too_large");
        assertThat(spendable(user.secret())).isEqualTo(100);
    }

    @Test
    void sdkRetriesAreRateLimitedLikeAnyRequestAndPaidOnce() {
        var user = ApiUsers.signUpWithKey(port, "live");
        String body = "{\"prompt\":\"a retried lighthouse\",\"size\":\"1024x1024\"}";
        var first = api().send("POST", "/v1/images/generations", "Bearer " + user.secret(), body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        byte[] image = Base64.getDecoder()
                .decode(ApiClient.json(first)
                        .path("data")
                        .get(0)
                        .path("b64_json")
                        .asString());
        assertThat(TestImages.decode(image).getWidth()).isEqualTo(1024);
        long afterFirst = spendable(user.secret());
        assertThat(afterFirst).isLessThan(100);

        int answered = 1;
        HttpResponse<String> retry = null;
        // The window may roll over once while we go: a limit that holds shows a 429 within two windows' worth.
        for (int i = 0; i < 2 * CREATIONS_PER_MINUTE + 1; i++) {
            retry = api().send(
                            "POST",
                            "/v1/images/generations",
                            "Bearer " + user.secret(),
                            body,
                            "X-Stainless-Retry-Count",
                            "1");
            if (retry.statusCode() == 429) {
                break;
            }
            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
            assertThat(retry.headers().firstValue("x-imagegate-task-id"))
                    .isEqualTo(first.headers().firstValue("x-imagegate-task-id"));
            answered++;
        }
        assertThat(retry.statusCode()).as("a retry past the plan's limit").isEqualTo(429);
        assertThat(answered).isGreaterThanOrEqualTo(CREATIONS_PER_MINUTE);
        JsonNode error = error(retry);
        assertThat(error.path("type").asString()).isEqualTo("requests");
        assertThat(error.path("code").asString()).isEqualTo("rate_limit_exceeded");
        assertThat(retry.headers().firstValue("retry-after")).isPresent();
        assertThat(spendable(user.secret())).as("retries are not charged").isEqualTo(afterFirst);
    }

    @Test
    void aFileLinkWithAnExpiryBeyondTimeIsRefusedNotAServerError() {
        for (String expires : List.of("9000000000000000000", "-9000000000000000000", "99999999999999999999", "x")) {
            var response = api().get("/files/2026/11/25/img_abc.png?expires=" + expires + "&sig=abc", null);
            assertThat(response.statusCode()).as(expires).isBetween(400, 499);
        }
    }

    @Test
    void accountModelsAndCancelCountAgainstTheReadLimit() {
        record Read(String method, String path) {}
        for (var read : List.of(
                new Read("GET", "/api/v1/account"),
                new Read("GET", "/v1/models"),
                new Read("POST", "/api/v1/images/tasks/task_doesnotexist/cancel"))) {
            var user = ApiUsers.signUpWithKey(port, "live");
            int answered = 0;
            HttpResponse<String> response = null;
            for (int i = 0; i < 2 * READS_PER_MINUTE + 1; i++) {
                response = api().send(read.method(), read.path(), "Bearer " + user.secret(), null);
                if (response.statusCode() == 429) {
                    break;
                }
                answered++;
            }
            assertThat(response.statusCode()).as(read.path()).isEqualTo(429);
            assertThat(answered).as(read.path()).isGreaterThanOrEqualTo(READS_PER_MINUTE);
            assertThat(error(response).path("code").asString()).isEqualTo("rate_limit_exceeded");
        }
    }

    /** A body of {@code size} bytes sent without a Content-Length (chunked). */
    HttpResponse<String> sendStreamed(String path, String secret, int size, String contentType) {
        Supplier<InputStream> body = () -> new ByteArrayInputStream(new byte[size]);
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofInputStream(body));
        if (secret != null) {
            request.header("Authorization", "Bearer " + secret);
        }
        try (var client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The status line, headers and (short) body of an HTTP/1.1 answer read off a raw socket. */
    static String readAnswer(InputStream in) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        var answer = new StringBuilder();
        int read;
        while ((read = in.read(buffer)) > 0) {
            answer.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
            if (answer.toString().contains("}")) {
                break;
            }
        }
        return answer.toString();
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
