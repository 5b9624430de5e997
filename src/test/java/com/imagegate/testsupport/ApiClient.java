package com.imagegate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Calls the public API over real HTTP the way a client program does: no cookies, no redirects followed. */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public ApiClient(int port) {
        this.baseUrl = "http://localhost:" + port;
    }

    /** {@code GET path} with {@code Authorization: Bearer secret}. */
    public HttpResponse<String> get(String path, String secret) {
        return send("GET", path, secret == null ? null : "Bearer " + secret, null, new String[0]);
    }

    /**
     * Any call.
     *
     * @param authorization the whole Authorization header, or {@code null} for none
     * @param body a JSON body, or {@code null}
     * @param extraHeaders name, value, name, value…
     */
    public HttpResponse<String> send(
            String method, String path, String authorization, String body, String... extraHeaders) {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (extraHeaders != null) {
            for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
                request.header(extraHeaders[i], extraHeaders[i + 1]);
            }
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }
}
