package com.imagegate.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile HTTP server on 127.0.0.1 written on raw sockets, so it can misbehave where a real server would not:
 *
 * <ul>
 *   <li>{@code /trickle-body}: headers at once (a PNG of no stated length, ending when the connection does), then one body byte every 500 ms;
 *   <li>{@code /trickle-head}: the status line and headers themselves, one byte every 500 ms;
 *   <li>{@code /redirect-to-trickle}: a 302 to {@code /trickle-body};
 *   <li>{@code /bad-location-bracket}, {@code /bad-location-scheme}: a 302 whose {@code Location} is not a URI
 *       ({@code http://[::1}, {@code ht!tp://x y}).
 * </ul>
 *
 * A trickle goes on until the client drops the connection, or at most {@link #MAX_TRICKLE_BYTES} bytes (a minute) so a
 * test that fails cannot leave it running. {@link #droppedByClient()} counts trickles the client ended.
 */
public final class TricklingServer implements AutoCloseable {

    public static final int MAX_TRICKLE_BYTES = 120;
    private static final long BYTE_EVERY_MILLIS = 500;

    private final ServerSocket socket;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    /** Counted down by {@link #close}: the trickle's waits end at once then. */
    private final CountDownLatch closing = new CountDownLatch(1);

    private TricklingServer(ServerSocket socket) {
        this.socket = socket;
    }

    public static TricklingServer start() {
        try {
            var server = new TricklingServer(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
            Thread.ofVirtual().name("trickling-server").start(server::accept);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    /** Trickles that ended because the client closed the connection (not because they ran out). */
    public int droppedByClient() {
        return dropped.get();
    }

    /** Requests read so far. */
    public int requests() {
        return requests.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.submit(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            String path = readRequestPath(connection.getInputStream());
            requests.incrementAndGet();
            OutputStream out = connection.getOutputStream();
            switch (path) {
                case "/trickle-body" -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    trickle(out, "x".repeat(MAX_TRICKLE_BYTES));
                }
                case "/trickle-head" ->
                    trickle(out, "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nX-Padding: " + "y".repeat(200));
                case "/redirect-to-trickle" -> redirect(out, "/trickle-body");
                case "/bad-location-bracket" -> redirect(out, "http://[::1");
                case "/bad-location-scheme" -> redirect(out, "ht!tp://x y");
                default -> {
                    out.write(
                            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private void trickle(OutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        try {
            for (int i = 0; i < Math.min(bytes.length, MAX_TRICKLE_BYTES); i++) {
                out.write(bytes[i]);
                out.flush();
                if (closing.await(BYTE_EVERY_MILLIS, TimeUnit.MILLISECONDS)) {
                    return; // the server closed: stop trickling
                }
            }
        } catch (IOException clientClosed) {
            dropped.incrementAndGet();
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    private static void redirect(OutputStream out, String location) throws IOException {
        out.write(("HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads the request head (a body, if any, is left unread) and returns the path of its request line. */
    private static String readRequestPath(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) != -1 && head.size() < 16_384) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String line =
                head.toString(StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
        String[] parts = line.split(" ");
        return parts.length > 1 ? parts[1] : "";
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.shutdownNow();
    }
}
