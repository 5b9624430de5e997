package com.imagegate.generation.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
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
 * second lookup to rebind); at most 3 redirects, each checked the same way; a size cap; connect and read timeouts.
 */
public class SafeFetcher implements AutoCloseable {

    static final int MAX_REDIRECTS = 3;

    private final CloseableHttpClient client;
    private final boolean allowPrivateHosts;

    /**
     * @param allowPrivateHosts test-only: lets fetches reach loopback and private addresses
     * @param timeout connect and read budget
     */
    public SafeFetcher(boolean allowPrivateHosts, java.time.Duration timeout) {
        this.allowPrivateHosts = allowPrivateHosts;
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
        Timeout budget = Timeout.of(timeout);
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
     * The body of {@code uri}, following up to 3 redirects.
     *
     * @throws FetchException when refused, unreachable, not 200, or over {@code maxBytes}
     */
    public byte[] fetch(URI uri, long maxBytes) {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            check(current);
            try {
                var outcome = client.execute(new HttpGet(current), response -> read(response, maxBytes));
                if (outcome.redirect() == null) {
                    return outcome.body();
                }
                current = current.resolve(outcome.redirect());
            } catch (FetchException e) {
                throw e;
            } catch (IOException e) {
                throw failure(e);
            }
        }
        throw new FetchException("the URL redirects more than " + MAX_REDIRECTS + " times");
    }

    /**
     * POSTs {@code body} to {@code uri} under the same address rules, following no redirect (a 3xx is an answer like
     * any other). The answer's body is not read.
     *
     * @return the HTTP status code of the answer
     * @throws FetchException when refused, unreachable or out of time
     */
    public int post(URI uri, byte[] body, String contentType, Map<String, String> headers) {
        check(uri);
        HttpPost post = new HttpPost(uri);
        headers.forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
        try (ClassicHttpResponse response = client.executeOpen(null, post, null)) {
            // Closed without reading the body: a receiver streaming an endless answer cannot hold us.
            return response.getCode();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private static FetchException failure(IOException e) {
        if (e instanceof UnknownHostException) {
            return new FetchException(
                    e.getMessage() != null && e.getMessage().startsWith("refused")
                            ? "the URL's host is not a public address"
                            : "the URL's host could not be found");
        }
        if (e instanceof java.net.SocketTimeoutException
                || e instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
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
        try (InputStream in = response.getEntity().getContent()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw new FetchException("the image is larger than " + (maxBytes / (1024 * 1024)) + " MB", true);
            }
            return new Outcome(body, null);
        }
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
        client.close();
    }
}
