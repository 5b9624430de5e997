package com.imagegate.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Fetches a URL on a caller's behalf without letting the caller reach our network: http(s) only; every host is resolved
 * once, all its addresses must be public ({@link AddressPolicy}), and the connection goes to those very addresses (no
 * second lookup to rebind); at most 3 redirects, each checked the same way; a size cap; connect and read timeouts; and
 * one total deadline for the whole fetch (connect, redirects and body), so a server that trickles a byte now and then
 * cannot hold a fetch longer than that.
 */
public class SafeFetcher implements AutoCloseable {

    static final int MAX_REDIRECTS = 3;

    private final CloseableHttpClient client;
    private final boolean allowPrivateHosts;
    private final Duration readTimeout;
    private final Duration totalTimeout;
    /** Each exchange runs here so the caller can stop waiting at the deadline, whatever the socket is doing. */
    private final ExecutorService exchanges = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * @param allowPrivateHosts test-only: lets fetches reach loopback and private addresses
     * @param readTimeout connect budget, and the longest wait for any one read
     * @param totalTimeout the deadline of a whole fetch or post, from the call to its last byte
     */
    public SafeFetcher(boolean allowPrivateHosts, Duration readTimeout, Duration totalTimeout) {
        if (readTimeout.isNegative() || readTimeout.isZero() || totalTimeout.isNegative() || totalTimeout.isZero()) {
            throw new IllegalArgumentException("fetch timeouts must be positive");
        }
        this.allowPrivateHosts = allowPrivateHosts;
        this.readTimeout = readTimeout;
        this.totalTimeout = totalTimeout;
        DnsResolver checked = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                InetAddress[] addresses = InetAddress.getAllByName(host);
                if (!allowPrivateHosts && !Arrays.stream(addresses).allMatch(AddressPolicy::isPublic)) {
                    throw new UnknownHostException("refused: " + host + " is not a public address");
                }
                return addresses;
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        Timeout budget = Timeout.of(readTimeout);
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checked)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(budget)
                                .setSocketTimeout(budget)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(budget)
                        .setRedirectsEnabled(false)
                        .build())
                .disableAutomaticRetries()
                .disableCookieManagement()
                .setUserAgent("Imagegate-Fetcher/1.0")
                .build();
    }

    /**
     * The body of {@code uri}, following up to 3 redirects, all within the total deadline.
     *
     * @throws FetchException when refused, unreachable, not 200, over {@code maxBytes}, redirected to a malformed
     *     address, or out of time
     */
    public byte[] fetch(URI uri, long maxBytes) {
        long deadline = System.nanoTime() + totalTimeout.toNanos();
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            check(current);
            Outcome outcome = exchange(new HttpGet(current), deadline, response -> read(response, maxBytes));
            if (outcome.redirect() == null) {
                return outcome.body();
            }
            current = redirectTarget(current, outcome.redirect());
        }
        throw new FetchException("the URL redirects more than " + MAX_REDIRECTS + " times");
    }

    /**
     * POSTs {@code body} to {@code uri} under the same address rules and the same total deadline, following no redirect
     * (a 3xx is an answer like any other). The answer's body is not read.
     *
     * @return the HTTP status code of the answer
     * @throws FetchException when refused, unreachable or out of time
     */
    public int post(URI uri, byte[] body, String contentType, Map<String, String> headers) {
        long deadline = System.nanoTime() + totalTimeout.toNanos();
        check(uri);
        HttpPost post = new HttpPost(uri);
        headers.forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
        return exchange(post, deadline, ClassicHttpResponse::getCode);
    }

    private interface Handler<T> {
        T handle(ClassicHttpResponse response) throws IOException;
    }

    /**
     * Runs one request and its handler, giving up at {@code deadline}: the caller stops waiting then, and the request
     * is cancelled, which closes its connection and so ends whatever read or write it was blocked in. The connection
     * is never drained or reused: a body the handler did not read is dropped with it.
     */
    private <T> T exchange(HttpUriRequestBase request, long deadline, Handler<T> handler) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw tooSlow();
        }
        request.setConfig(RequestConfig.custom()
                .setRedirectsEnabled(false)
                .setResponseTimeout(Timeout.of(Math.min(readTimeout.toNanos(), left), TimeUnit.NANOSECONDS))
                .build());
        Future<T> running = exchanges.submit(() -> {
            ClassicHttpResponse response = client.executeOpen(null, request, null);
            try {
                return handler.handle(response);
            } finally {
                request.cancel(); // drop the connection before close() could drain an endless body
                closeQuietly(response);
            }
        });
        try {
            return running.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            request.cancel();
            running.cancel(true);
            throw tooSlow();
        } catch (InterruptedException e) {
            request.cancel();
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchException("the fetch was interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (System.nanoTime() - deadline >= 0) {
                throw tooSlow(); // whatever broke, the deadline passed first
            }
            if (cause instanceof FetchException refused) {
                throw refused;
            }
            if (cause instanceof IOException io) {
                throw failure(io);
            }
            if (cause instanceof RuntimeException unexpected) {
                throw unexpected;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // the connection was cancelled just before: closing it can only fail
        }
    }

    private FetchException tooSlow() {
        long millis = totalTimeout.toMillis();
        return new FetchException("the URL did not answer completely in time ("
                + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms") + ")");
    }

    /** Where a redirect leads, resolved against the URL that answered; a malformed Location is a refusal. */
    static URI redirectTarget(URI current, String location) {
        try {
            return current.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new FetchException("the URL redirects to a malformed address");
        }
    }

    private static FetchException failure(IOException e) {
        if (e instanceof UnknownHostException) {
            return new FetchException(
                    e.getMessage() != null && e.getMessage().startsWith("refused")
                            ? "the URL's host is not a public address"
                            : "the URL's host could not be found");
        }
        if (e instanceof SocketTimeoutException || e instanceof ConnectTimeoutException) {
            return new FetchException("the URL did not answer in time");
        }
        return new FetchException(
                "the URL could not be fetched (" + e.getClass().getSimpleName() + ")");
    }

    private record Outcome(byte[] body, String redirect) {}

    private static Outcome read(ClassicHttpResponse response, long maxBytes) throws IOException {
        int status = response.getCode();
        if (status >= 300 && status < 400 && response.getFirstHeader("Location") != null) {
            return new Outcome(null, response.getFirstHeader("Location").getValue());
        }
        if (status != 200 || response.getEntity() == null) {
            throw new FetchException("the URL answered HTTP " + status);
        }
        if (response.getEntity().getContentLength() > maxBytes) {
            throw new FetchException("the image is larger than " + (maxBytes / (1024 * 1024)) + " MB", true);
        }
        // Not closed here (closing drains what is left): the exchange drops the connection afterwards.
        InputStream in = response.getEntity().getContent();
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (body.length > maxBytes) {
            throw new FetchException("the image is larger than " + (maxBytes / (1024 * 1024)) + " MB", true);
        }
        return new Outcome(body, null);
    }

    private void check(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException("only http and https URLs can be fetched");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new FetchException("the URL needs a host and no credentials");
        }
        if (!allowPrivateHosts) {
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".internal")) {
                throw new FetchException("the URL's host is not a public address");
            }
        }
    }

    @Override
    public void close() throws IOException {
        exchanges.shutdownNow();
        client.close();
    }
}
