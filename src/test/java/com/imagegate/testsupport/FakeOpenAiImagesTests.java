package com.imagegate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The fake upstream is only worth its tests if it refuses what OpenAI refuses, in OpenAI's error shape. */
class FakeOpenAiImagesTests {

    static final FakeOpenAiImages FAKE = FakeOpenAiImages.start("sk-fake-1");
    static final JsonMapper JSON = JsonMapper.builder().build();

    @AfterAll
    static void stop() {
        FAKE.close();
    }

    static HttpResponse<String> post(String path, String key, String contentType, byte[] body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(FAKE.baseUrl() + path))
                                .header("Authorization", "Bearer " + key)
                                .header("Content-Type", contentType)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode error(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.has("message")).isTrue();
        assertThat(error.has("type")).isTrue();
        assertThat(error.has("param")).isTrue();
        assertThat(error.has("code")).isTrue();
        return error;
    }

    static HttpResponse<String> generate(String json) throws Exception {
        return post("/v1/images/generations", "sk-fake-1", "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aDocumentedGenerationRequestGetsItsImages() throws Exception {
        var response = generate("""
                {"model":"gpt-image-2","prompt":"a cat","n":2,"size":"1088x1920","quality":"high",
                 "output_format":"webp","user":"u1","background":"opaque","moderation":"low"}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("data")).hasSize(2);
        assertThat(body.path("data").get(0).path("b64_json").asString()).startsWith("UklGR"); // "RIFF"
        assertThat(body.path("created").isNumber()).isTrue();
    }

    @Test
    void otherShapesAreRefusedTheWayOpenAiRefusesThem() throws Exception {
        assertThat(error(generate("{\"prompt\":\"a\",\"response_type\":\"x\"}"), 400)
                        .path("code")
                        .asString())
                .isEqualTo("unknown_parameter");
        assertThat(error(generate("{\"n\":1}"), 400).path("param").asString()).isEqualTo("prompt");
        assertThat(error(generate("{\"prompt\":\"a\",\"size\":\"1000x1000\"}"), 400)
                        .path("param")
                        .asString())
                .isEqualTo("size");
        assertThat(error(generate("{\"prompt\":\"a\",\"n\":11}"), 400)
                        .path("param")
                        .asString())
                .isEqualTo("n");
        assertThat(error(generate("{\"prompt\":\"a\",\"n\":\"2\"}"), 400)
                        .path("code")
                        .asString())
                .isEqualTo("invalid_type");
        assertThat(error(generate("{\"prompt\":\"a\",\"quality\":\"ultra\"}"), 400)
                        .path("param")
                        .asString())
                .isEqualTo("quality");
        assertThat(error(
                                post(
                                        "/v1/images/generations",
                                        "sk-fake-1",
                                        "text/plain",
                                        "prompt=a".getBytes(StandardCharsets.UTF_8)),
                                400)
                        .path("code")
                        .asString())
                .isEqualTo("invalid_value");
        assertThat(error(
                                post(
                                        "/v1/images/generations",
                                        "sk-wrong",
                                        "application/json",
                                        "{\"prompt\":\"a\"}".getBytes(StandardCharsets.UTF_8)),
                                401)
                        .path("code")
                        .asString())
                .isEqualTo("invalid_api_key");
    }

    @Test
    void anEditNeedsImageFilesOfAnImageType() throws Exception {
        String boundary = "b0undary";
        String noImage = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nedit it\r\n--"
                + boundary + "--\r\n";
        var response = post(
                "/v1/images/edits",
                "sk-fake-1",
                "multipart/form-data; boundary=" + boundary,
                noImage.getBytes(StandardCharsets.UTF_8));
        assertThat(error(response, 400).path("param").asString()).isEqualTo("image");

        String textFile = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nedit it\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"image[]\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nhello\r\n--" + boundary + "--\r\n";
        response = post(
                "/v1/images/edits",
                "sk-fake-1",
                "multipart/form-data; boundary=" + boundary,
                textFile.getBytes(StandardCharsets.UTF_8));
        assertThat(error(response, 400).path("code").asString()).isEqualTo("invalid_image_format");

        String unknown = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nedit it\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"images\"\r\n\r\nx\r\n--" + boundary + "--\r\n";
        response = post(
                "/v1/images/edits",
                "sk-fake-1",
                "multipart/form-data; boundary=" + boundary,
                unknown.getBytes(StandardCharsets.UTF_8));
        assertThat(error(response, 400).path("code").asString()).isEqualTo("unknown_parameter");
    }

    @Test
    void aStreamingRequestGetsOpenAisImageStreamingEvents() throws Exception {
        var response = generate("{\"prompt\":\"a cat\",\"size\":\"1024x1024\",\"stream\":true,\"partial_images\":2}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        var events = java.util.Arrays.stream(response.body().split("\n\n"))
                .filter(block -> !block.isBlank())
                .toList();
        assertThat(events).hasSize(3);
        for (int i = 0; i < 3; i++) {
            String[] lines = events.get(i).split("\n");
            String type = i < 2 ? "image_generation.partial_image" : "image_generation.completed";
            assertThat(lines[0]).isEqualTo("event: " + type);
            JsonNode data = JSON.readTree(lines[1].substring("data: ".length()));
            assertThat(data.path("type").asString()).isEqualTo(type);
            assertThat(data.path("b64_json").asString()).startsWith("iVBOR"); // PNG
            if (i < 2) {
                assertThat(data.path("partial_image_index").asInt()).isEqualTo(i);
            } else {
                assertThat(data.path("usage").path("total_tokens").asInt()).isPositive();
            }
        }
    }

    @Test
    void streamAndPartialImagesAreTypedAsOpenAiTypesThem() throws Exception {
        assertThat(error(generate("{\"prompt\":\"a\",\"stream\":\"true\"}"), 400)
                        .path("param")
                        .asString())
                .isEqualTo("stream");
        assertThat(error(generate("{\"prompt\":\"a\",\"stream\":true,\"partial_images\":4}"), 400)
                        .path("param")
                        .asString())
                .isEqualTo("partial_images");
        assertThat(error(generate("{\"prompt\":\"a\",\"stream\":true,\"partial_images\":\"2\"}"), 400)
                        .path("code")
                        .asString())
                .isEqualTo("invalid_type");
    }
}
