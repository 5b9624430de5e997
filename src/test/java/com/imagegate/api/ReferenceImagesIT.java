package com.imagegate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.TricklingServer;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Reference images and enhancements, fetched from a real local HTTP server. The fetch guard is relaxed for loopback
 * here ({@code imagegate.fetch.allow-private-hosts}); {@code ImagesApiIT} checks it refuses loopback by default.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.fetch.allow-private-hosts=true",
            "imagegate.generation.sandbox.delay=0ms",
            "imagegate.fetch.total-timeout=3s"
        })
class ReferenceImagesIT {

    static final HttpServer ORIGIN = startOrigin();
    static final TricklingServer TRICKLING = TricklingServer.start();

    @LocalServerPort
    int port;

    @AfterAll
    static void stopOrigin() {
        ORIGIN.stop(0);
        TRICKLING.close();
    }

    static String origin(String path) {
        return "http://127.0.0.1:" + ORIGIN.getAddress().getPort() + path;
    }

    HttpResponse<String> post(String secret, String path, String body) {
        return new ApiClient(port).send("POST", path, "Bearer " + secret, body);
    }

    JsonNode ended(String secret, String id) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + id, secret)),
                        t -> !List.of("pending", "processing")
                                .contains(t.path("status").asString()));
    }

    @Test
    void imageToImageFetchesTheReferencesAndSucceeds() {
        var user = ApiUsers.signUpWithKey(port, "live");

        var created = post(
                user.secret(), "/api/v1/images/generations", """
                {"model":"gpt-image-2-image-to-image","image_urls":["%s","%s"],"size":"1024x1024"}""".formatted(origin("/photo.png"), origin("/redirect")));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        assertThat(ended(user.secret(), ApiClient.json(created).path("id").asString())
                        .path("status")
                        .asString())
                .isEqualTo("succeeded");
    }

    @Test
    void aReferenceThatIsNotAnImageIsA400NamingItsIndexAndChargesNothing() {
        var user = ApiUsers.signUpWithKey(port, "live");

        var created = post(
                user.secret(), "/api/v1/images/generations", """
                {"prompt":"x","image_urls":["%s","%s"]}""".formatted(origin("/photo.png"), origin("/notes.txt")));

        assertThat(created.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(created).path("error").path("param").asString())
                .isEqualTo("image_urls[1]");
        assertThat(ApiClient.json(new ApiClient(port).get("/api/v1/account", user.secret()))
                        .path("credits")
                        .path("balance")
                        .asLong())
                .isEqualTo(100);
    }

    @Test
    void unreachableAndRedirectLoopingReferencesAre400s() {
        var user = ApiUsers.signUpWithKey(port, "live");
        for (String url : List.of(origin("/missing.png"), origin("/loop"))) {
            var created = post(
                    user.secret(), "/api/v1/images/generations", "{\"prompt\":\"x\",\"image_urls\":[\"" + url + "\"]}");
            assertThat(created.statusCode()).as(url).isEqualTo(400);
            assertThat(ApiClient.json(created).path("error").path("param").asString())
                    .isEqualTo("image_urls[0]");
        }
    }

    /**
     * A reference server that sends one byte every 500 ms would hold the request for as long as it likes under a
     * per-read timeout alone; the total deadline ({@code imagegate.fetch.total-timeout}, 3 s here) ends it: a 400
     * naming the reference, no task, no credits reserved.
     */
    @Test
    void aTricklingReferenceIsCutOffAtTheTotalDeadlineAndChargesNothing() {
        var user = ApiUsers.signUpWithKey(port, "live");
        for (String path : List.of("/trickle-body", "/trickle-head", "/redirect-to-trickle")) {
            long started = System.nanoTime();

            var created = post(
                    user.secret(),
                    "/api/v1/images/generations",
                    "{\"prompt\":\"x\",\"image_urls\":[\"" + TRICKLING.url(path) + "\"]}");

            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(created.statusCode()).as(path + ": " + created.body()).isEqualTo(400);
            JsonNode error = ApiClient.json(created).path("error");
            assertThat(error.path("param").asString()).isEqualTo("image_urls[0]");
            assertThat(error.path("code").asString()).isEqualTo("invalid_value");
            assertThat(error.path("message").asString())
                    .isEqualTo("image_urls[0]: the URL did not answer completely in time (3 s).");
            assertThat(took).as(path).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(8));
        }
        assertNothingCharged(user.secret());
        var enhancement = post(
                user.secret(),
                "/api/v1/images/enhancements",
                "{\"image_url\":\"" + TRICKLING.url("/trickle-body") + "\"}");
        assertThat(enhancement.statusCode()).as(enhancement.body()).isEqualTo(400);
        assertThat(ApiClient.json(enhancement).path("error").path("param").asString())
                .isEqualTo("image_url");
        assertNothingCharged(user.secret());
    }

    /** A redirect whose Location is not a URI at all is the caller's bad reference (400), not our crash (500). */
    @Test
    void aRedirectToAMalformedLocationIsA400() {
        var user = ApiUsers.signUpWithKey(port, "live");
        for (String path : List.of("/bad-location-bracket", "/bad-location-scheme")) {
            var created = post(
                    user.secret(),
                    "/api/v1/images/generations",
                    "{\"prompt\":\"x\",\"image_urls\":[\"" + TRICKLING.url(path) + "\"]}");

            assertThat(created.statusCode()).as(path + ": " + created.body()).isEqualTo(400);
            JsonNode error = ApiClient.json(created).path("error");
            assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
            assertThat(error.path("code").asString()).isEqualTo("invalid_value");
            assertThat(error.path("param").asString()).isEqualTo("image_urls[0]");
            assertThat(error.path("message").asString())
                    .isEqualTo("image_urls[0]: the URL redirects to a malformed address.");
        }
        assertNothingCharged(user.secret());
    }

    private void assertNothingCharged(String secret) {
        var client = new ApiClient(port);
        assertThat(ApiClient.json(client.get("/api/v1/account", secret))
                        .path("credits")
                        .path("balance")
                        .asLong())
                .isEqualTo(100);
        assertThat(ApiClient.json(client.get("/api/v1/images/tasks", secret)).path("data"))
                .isEmpty();
    }

    @Test
    void anEnhancementDoublesTheImageAndCostsTheEnhancementPrice() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");

        var created = post(
                user.secret(),
                "/api/v1/images/enhancements",
                "{\"image_url\":\"" + origin("/photo.png") + "\",\"output_format\":\"jpeg\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        assertThat(ApiClient.json(created).path("credits").asInt()).isEqualTo(10);
        JsonNode done = ended(user.secret(), ApiClient.json(created).path("id").asString());
        assertThat(done.path("status").asString()).isEqualTo("succeeded");
        String url = done.path("data")
                .get(0)
                .path("url")
                .asString()
                .replace("http://localhost:8080", "http://localhost:" + port);
        var image = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.headers().firstValue("Content-Type")).contains("image/jpeg");
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.body()));
        assertThat(decoded.getWidth()).isEqualTo(640);
        assertThat(decoded.getHeight()).isEqualTo(480);
        assertThat(ApiClient.json(new ApiClient(port).get("/api/v1/account", user.secret()))
                        .path("credits")
                        .path("balance")
                        .asLong())
                .isEqualTo(90);
        var missing = post(user.secret(), "/api/v1/images/enhancements", "{}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(missing).path("error").path("code").asString())
                .isEqualTo("missing_required_parameter");

        // scale 4: four times the size, same price; any other scale is refused and costs nothing.
        var four = post(
                user.secret(),
                "/api/v1/images/enhancements",
                "{\"image_url\":\"" + origin("/photo.png") + "\",\"scale\":4}");
        assertThat(four.statusCode()).as(four.body()).isEqualTo(202);
        JsonNode fourDone = ended(user.secret(), ApiClient.json(four).path("id").asString());
        assertThat(fourDone.path("data").get(0).path("width").asInt()).isEqualTo(1280);
        assertThat(fourDone.path("data").get(0).path("height").asInt()).isEqualTo(960);
        var three = post(
                user.secret(),
                "/api/v1/images/enhancements",
                "{\"image_url\":\"" + origin("/photo.png") + "\",\"scale\":3}");
        assertThat(three.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(three).path("error").path("param").asString()).isEqualTo("scale");
        assertThat(ApiClient.json(new ApiClient(port).get("/api/v1/account", user.secret()))
                        .path("credits")
                        .path("balance")
                        .asLong())
                .isEqualTo(80);
    }

    private static HttpServer startOrigin() {
        try {
            BufferedImage picture = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
            var g = picture.createGraphics();
            g.setColor(Color.ORANGE);
            g.fillOval(40, 40, 200, 150);
            g.dispose();
            var png = new ByteArrayOutputStream();
            ImageIO.write(picture, "png", png);
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/photo.png", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "image/png");
                exchange.sendResponseHeaders(200, png.size());
                exchange.getResponseBody().write(png.toByteArray());
                exchange.close();
            });
            server.createContext("/notes.txt", exchange -> {
                byte[] text = "not an image".getBytes();
                exchange.sendResponseHeaders(200, text.length);
                exchange.getResponseBody().write(text);
                exchange.close();
            });
            server.createContext("/redirect", exchange -> {
                exchange.getResponseHeaders().add("Location", "/photo.png");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            });
            server.createContext("/loop", exchange -> {
                exchange.getResponseHeaders().add("Location", "/loop");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            });
            server.createContext("/missing.png", exchange -> {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
