package com.imagegate;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.AppNode;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.MultipartForm;
import com.imagegate.testsupport.TestDatabase;
import com.imagegate.testsupport.TestImages;
import java.awt.Color;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * One Imagegate as another's upstream: this application runs provider {@code openai} against a second Imagegate (its
 * own JVM and database, sandbox renderer) through that one's OpenAI drop-in {@code /v1/images/*} and a live key. Our
 * OpenAI client and our OpenAI server agree on the wire, and each side charges its own customer once.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.generation.provider=openai",
            "imagegate.generation.openai.max-images-per-call=2",
            "imagegate.fetch.allow-private-hosts=true",
            "imagegate.plans.free.requests-per-minute=100"
        })
class ChainedImagegateIT {

    static final AppNode UPSTREAM;
    static final String UPSTREAM_KEY;

    static {
        try {
            TestDatabase server = TestDatabase.get();
            String database = server.newDatabase();
            UPSTREAM = AppNode.start(
                    "upstream-imagegate",
                    Map.of(
                            "spring.profiles.active", "mysql",
                            "spring.datasource.url", server.jdbcUrl(database),
                            "spring.datasource.username", server.username(),
                            "spring.datasource.password", server.password(),
                            "imagegate.data-dir",
                                    Files.createTempDirectory("imagegate-upstream")
                                            .toString(),
                            "imagegate.generation.sandbox.delay", "200ms"),
                    Duration.ofSeconds(150));
            UPSTREAM_KEY = ApiUsers.signUpWithKey(UPSTREAM.port(), "live").secret();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("imagegate.generation.openai.base-url", UPSTREAM::baseUrl);
        registry.add("imagegate.generation.openai.api-key", () -> UPSTREAM_KEY);
    }

    @AfterAll
    static void stop() {
        UPSTREAM.close();
    }

    @LocalServerPort
    int port;

    @Test
    void aTaskHereIsRenderedByTheOtherImagegateAndBothLedgersChargeOnce() throws Exception {
        var customer = ApiUsers.signUpWithKey(port, "live");
        long upstreamBefore = upstreamBalance();
        var created = new ApiClient(port)
                .send(
                        "POST",
                        "/api/v1/images/generations",
                        "Bearer " + customer.secret(),
                        "{\"prompt\":\"A lighthouse, relayed\",\"size\":\"1536x1024\",\"n\":3,"
                                + "\"output_format\":\"webp\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = ApiClient.json(created).get("id").asString();
        JsonNode task =
                ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + id + "?wait=60", customer.secret()));
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("succeeded");
        assertThat(task.get("data")).hasSize(3);
        String url = task.get("data").get(0).get("url").asString();
        var file = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(url.replace("http://localhost:8080", "http://localhost:" + port)))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        var image = ImageIO.read(new ByteArrayInputStream(file.body()));
        assertThat(image.getWidth()).isEqualTo(1536);
        assertThat(image.getHeight()).isEqualTo(1024);

        // Our customer paid 3 × 10 here; we paid the other Imagegate 3 × 10 there (n split into calls of 2 and 1).
        assertThat(ApiClient.json(new ApiClient(port).get("/api/v1/account", customer.secret()))
                        .get("credits")
                        .get("balance")
                        .asLong())
                .isEqualTo(70);
        assertThat(upstreamBalance()).isEqualTo(upstreamBefore - 30);
    }

    /** Our balance at the other Imagegate (one account for every test here). */
    private static long upstreamBalance() {
        return ApiClient.json(new ApiClient(UPSTREAM.port()).get("/api/v1/account", UPSTREAM_KEY))
                .get("credits")
                .get("balance")
                .asLong();
    }

    /**
     * An OpenAI edit with a mask, sent to our drop-in, is passed upstream with its mask (our client), and the other
     * Imagegate (our server) applies it: the first image is kept where the mask is opaque.
     */
    @Test
    void anEditsMaskTravelsUpstreamAndIsApplied() {
        var customer = ApiUsers.signUpWithKey(port, "live");
        long upstreamBefore = upstreamBalance();
        var edited = MultipartForm.post(
                port,
                "/v1/images/edits",
                customer.secret(),
                List.of(
                        MultipartForm.Part.field("prompt", "Relay the right half"),
                        MultipartForm.Part.field("size", "1024x1024"),
                        MultipartForm.Part.field("response_format", "b64_json"),
                        MultipartForm.Part.file("image", TestImages.png(64, 64, Color.RED), "image/png"),
                        MultipartForm.Part.file("mask", TestImages.leftHalfOpaque(64, 64), "image/png")));
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        var image = TestImages.decode(Base64.getDecoder()
                .decode(ApiClient.json(edited)
                        .path("data")
                        .get(0)
                        .path("b64_json")
                        .asString()));
        int red = Color.RED.getRGB() & 0xFFFFFF;
        assertThat(image.getRGB(100, 500) & 0xFFFFFF).isEqualTo(red);
        assertThat(image.getRGB(400, 900) & 0xFFFFFF).isEqualTo(red);
        long redOnTheRight = TestImages.sampledPixelsOf(image, red, 524);
        assertThat(redOnTheRight).isLessThan(100);
        assertThat(upstreamBalance()).isEqualTo(upstreamBefore - 10);
    }
}
