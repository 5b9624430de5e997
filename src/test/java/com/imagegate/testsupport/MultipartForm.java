package com.imagegate.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** A multipart/form-data request the way SDKs send OpenAI's edits: text fields and files, one boundary. */
public final class MultipartForm {

    /** A part: a text field when {@code file} is null, else a file. */
    public record Part(String name, String value, byte[] file, String contentType) {

        public static Part field(String name, String value) {
            return new Part(name, value, null, null);
        }

        public static Part file(String name, byte[] bytes, String contentType) {
            return new Part(name, null, bytes, contentType);
        }
    }

    private MultipartForm() {}

    /** POSTs the parts to {@code http://localhost:port + path} with a Bearer key; extra headers as name, value pairs. */
    public static HttpResponse<String> post(int port, String path, String secret, List<Part> parts, String... headers) {
        try {
            return HttpClient.newHttpClient()
                    .send(request(port, path, secret, parts, headers), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The request {@link #post} sends, to send another way (e.g. reading a stream as it comes). */
    public static HttpRequest request(int port, String path, String secret, List<Part> parts, String... headers) {
        String boundary = "----imagegate" + UUID.randomUUID();
        var body = new ByteArrayOutputStream();
        for (Part part : parts) {
            body.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
            if (part.file() == null) {
                body.writeBytes(
                        ("Content-Disposition: form-data; name=\"" + part.name() + "\"\r\n\r\n" + part.value() + "\r\n")
                                .getBytes(StandardCharsets.UTF_8));
            } else {
                body.writeBytes(("Content-Disposition: form-data; name=\"" + part.name() + "\"; filename=\"f.png\"\r\n"
                                + "Content-Type: " + part.contentType() + "\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                body.writeBytes(part.file());
                body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + secret)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.build();
    }
}
