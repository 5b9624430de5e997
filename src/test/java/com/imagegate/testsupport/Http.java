package com.imagegate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A small real-HTTP client for tests, with a cookie jar so it keeps a session like a browser does. */
public final class Http {

    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private final String baseUrl;
    private final HttpClient client;
    private final CookieManager cookies = new CookieManager();
    private final Map<String, String> everyRequest;

    public Http(int port) {
        this(port, null, Map.of());
    }

    /**
     * A client whose connections come from this local address (e.g. {@code 127.0.0.2}: on Linux the whole of
     * 127.0.0.0/8 is the loopback), so the server sees another client address.
     */
    public Http(int port, InetAddress localAddress) {
        this(port, localAddress, Map.of());
    }

    /** A client that sends these headers with every request (e.g. the {@code X-Forwarded-For} a proxy would add). */
    public Http(int port, Map<String, String> everyRequest) {
        this(port, null, everyRequest);
    }

    private Http(int port, InetAddress localAddress, Map<String, String> everyRequest) {
        this.everyRequest = Map.copyOf(everyRequest);
        // With a local address, connect over IPv4 (localhost may resolve to ::1 first).
        this.baseUrl = (localAddress == null ? "http://localhost:" : "http://127.0.0.1:") + port;
        var builder = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5));
        if (localAddress != null) {
            builder.localAddress(localAddress);
        }
        this.client = builder.build();
    }

    /** A GET of an absolute URL (another server's, e.g. an OIDC provider's), with this client's cookies. */
    public HttpResponse<String> getUrl(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
    }

    /** A GET the way a browser asks for a page ({@code Accept: text/html}), so error pages come as HTML. */
    public HttpResponse<String> getPage(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Accept", "text/html,application/xhtml+xml")
                .GET()
                .build());
    }

    /** Posts a form the way a browser does: first reads the page's CSRF token, then submits with it. */
    public HttpResponse<String> submitForm(String pagePath, String actionPath, Map<String, String> fields) {
        return post(actionPath, csrfToken(pagePath), fields);
    }

    /** The CSRF token of the form on this page (loading the page starts a session). */
    public String csrfToken(String pagePath) {
        String page = get(pagePath).body();
        Matcher csrf = CSRF_INPUT.matcher(page);
        if (!csrf.find()) {
            throw new AssertionError("no CSRF token on " + pagePath);
        }
        return csrf.group(1);
    }

    /** The value of a cookie this client holds. */
    public Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue)
                .findFirst();
    }

    /** Posts form fields with the given CSRF token. */
    public HttpResponse<String> post(String actionPath, String csrfToken, Map<String, String> fields) {
        return postWithHeaders(actionPath, csrfToken, fields, Map.of());
    }

    /** Posts form fields with the given CSRF token and extra headers (e.g. {@code HX-Request}, as htmx sends). */
    public HttpResponse<String> postWithHeaders(
            String actionPath, String csrfToken, Map<String, String> fields, Map<String, String> headers) {
        var body = new LinkedHashMap<>(fields);
        body.put("_csrf", csrfToken);
        String encoded = body.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        var request = HttpRequest.newBuilder(URI.create(baseUrl + actionPath))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encoded));
        headers.forEach(request::header);
        return send(request.build());
    }

    /** A request without a body, with extra headers (e.g. those a browser's {@code fetch} adds). */
    public HttpResponse<String> call(String method, String path, Map<String, String> headers) {
        var request =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return send(request.build());
    }

    /** A GET whose body is read as it comes, line by line (an event stream). */
    public HttpResponse<Stream<String>> lines(String path) {
        try {
            return client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        if (!everyRequest.isEmpty()) {
            var withHeaders = HttpRequest.newBuilder(request, (name, value) -> true);
            everyRequest.forEach(withHeaders::header);
            request = withHeaders.build();
        }
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
