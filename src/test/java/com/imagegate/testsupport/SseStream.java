package com.imagegate.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Server-Sent Events client over {@link HttpClient}, as a program would write one: it reads the response body line by
 * line on a virtual thread and turns the lines into events ({@code id:}, {@code event:}, {@code data:}, a blank line
 * ends one) and comments ({@code : ping}).
 */
public final class SseStream implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Object CLOSED = new Object();

    /** One event as received. */
    public record Event(String id, String name, String data) {

        public JsonNode json() {
            return JSON.readTree(data);
        }
    }

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private SseStream(HttpResponse<InputStream> response) {
        this.response = response;
        if (response.statusCode() == 200) {
            Thread.ofVirtual().name("sse-reader").start(this::read);
        }
    }

    /** {@code GET uri} with the key and, unless null, {@code Last-Event-ID}; returns once the headers have come. */
    public static SseStream open(HttpClient client, URI uri, String secret, String lastEventId) {
        try {
            return openAsync(client, uri, secret, lastEventId).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not open " + uri, e);
        }
    }

    /** As {@link #open}, without waiting for the headers. */
    public static CompletableFuture<SseStream> openAsync(
            HttpClient client, URI uri, String secret, String lastEventId) {
        var request = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + secret)
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(SseStream::new);
    }

    /** Sends any request (e.g. a POST answered with a stream); returns once the headers have come. */
    public static SseStream send(HttpClient client, HttpRequest request) {
        try {
            return client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                    .thenApply(SseStream::new)
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not send " + request.uri(), e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public HttpResponse<InputStream> response() {
        return response;
    }

    /** The whole body of a response that is not a stream (an error). */
    public String body() {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next event within {@code timeout}; null when the stream closed first (or nothing came in time). */
    public Event next(Duration timeout) throws InterruptedException {
        Object next = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (next == CLOSED) {
            received.add(CLOSED); // stays closed for later calls
            return null;
        }
        return (Event) next;
    }

    /** Every event until the server closes the stream; fails if it is still open after {@code timeout}. */
    public List<Event> untilClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> events = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            Object next = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("The stream was still open after " + timeout + "; events so far: " + events);
            }
            if (next == CLOSED) {
                received.add(CLOSED);
                return events;
            }
            events.add((Event) next);
        }
    }

    /** The comments received so far ({@code ping} for a heartbeat). */
    public List<String> comments() {
        return comments;
    }

    private void read() {
        try (var lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        received.add(new Event(id, name == null ? "message" : name, data.toString()));
                    }
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(value(line.substring(1)));
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : value(line.substring(colon + 1));
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "data" ->
                            data = data == null
                                    ? new StringBuilder(value)
                                    : data.append('\n').append(value);
                        default -> {}
                    }
                }
            }
        } catch (IOException e) {
            if (!closed) {
                comments.add("read failed: " + e);
            }
        } finally {
            received.add(CLOSED);
        }
    }

    private static String value(String raw) {
        return raw.startsWith(" ") ? raw.substring(1) : raw;
    }

    /** Leaves: closes the connection. */
    @Override
    public void close() {
        closed = true;
        try {
            response.body().close();
        } catch (IOException ignored) {
            // gone already
        }
    }
}
