package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The official OpenAI Node SDK (the {@code openai} npm package, version pinned in {@code src/test/node}) against the
 * app with only {@code baseURL} and {@code apiKey} changed: {@code src/test/node/sdk-check.mjs} generates (b64_json and
 * url), edits two uploaded PNGs, streams a generation and an edit ({@code stream: true}, {@code partial_images}) through
 * the SDK's async iterator, lists models, and checks the SDK's error classes. It needs {@code node} and {@code
 * npm} on PATH and npm's registry (for {@code npm ci}); without node it is skipped, saying so. Same context as
 * {@link OpenAiDropInIT}.
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
class OpenAiSdkIT {

    static final Path NODE_PROJECT = Path.of("src/test/node");

    @LocalServerPort
    int port;

    @TempDir
    Path temp;

    static boolean nodeAvailable() {
        try {
            var node = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            return node.waitFor(30, TimeUnit.SECONDS) && node.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String run(List<String> command, Path directory, Map<String, String> env, int minutes) throws Exception {
        var builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        var process = builder.start();
        // Read while it runs so a full pipe never blocks it.
        var output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + minutes + " min:\n" + output.get());
        }
        String text = output.get();
        assertThat(process.exitValue()).as(command + " failed:\n" + text).isZero();
        return text;
    }

    static Path png(Path file, int width, int height, Color color) throws IOException {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void theOfficialNodeSdkWorksWithOnlyBaseUrlAndKeyChanged() throws Exception {
        assumeTrue(
                nodeAvailable(),
                "SKIPPED: `node` is not on PATH, so the official OpenAI SDK check cannot run (CI has Node 20).");
        run(List.of("npm", "ci", "--no-audit", "--no-fund"), NODE_PROJECT, Map.of(), 5);
        var user = ApiUsers.signUpWithKey(port, "live");

        String output = run(
                List.of("node", "sdk-check.mjs"),
                NODE_PROJECT,
                Map.of(
                        "IMAGEGATE_BASE_URL", "http://localhost:" + port + "/v1",
                        "IMAGEGATE_KEY", user.secret(),
                        "IMAGE_A",
                                png(temp.resolve("a.png"), 96, 64, Color.ORANGE).toString(),
                        "IMAGE_B",
                                png(temp.resolve("b.png"), 64, 96, Color.CYAN).toString()),
                5);

        System.out.println(output);
        assertThat(output)
                .contains("ok models.list")
                .contains("ok images.generate b64_json")
                .contains("ok images.generate url")
                .contains("ok images.edit two PNGs")
                .contains("ok images.generate stream: 2 partials, completed 1024x1024 png")
                .contains("ok images.edit stream: 1 partial, completed 1024x1536 jpeg")
                .contains("ok failed stream -> APIError generation_failed")
                .contains("ok bad size on a stream -> BadRequestError")
                .contains("ok bad key -> AuthenticationError")
                .contains("ok bad size -> BadRequestError")
                .contains("ok no credits -> RateLimitError insufficient_quota")
                .contains("ok sdk retry after timeout without a key")
                .contains("ok sdk retry after timeout with Idempotency-Key")
                .contains("ALL OK");
        // Charged exactly once per image made: 10 (b64) + 2 × 10 (url) + 10 (edit) + 10 + 10 (the two streams: their
        // partials cost nothing; the failed stream was refunded) + 10 + 10 (the two retried calls, each paid once);
        // refusals cost nothing.
        long balance = ApiClient.json(new ApiClient(port).get("/api/v1/account", user.secret()))
                .path("credits")
                .path("balance")
                .asLong();
        assertThat(balance).isEqualTo(100 - 80);
    }
}
