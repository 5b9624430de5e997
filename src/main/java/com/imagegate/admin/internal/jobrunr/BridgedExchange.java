package com.imagegate.admin.internal.jobrunr;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * One request handed to JobRunr's own dashboard handlers (written for the JDK's HTTP server) from inside our servlet
 * filter chain, so they answer behind our sign-in instead of on a port of their own. Those handlers read the method
 * and the URI, set headers and a status, and write a body: that is all this exchange carries. The body goes to the
 * stream given at construction (a buffer for a plain answer, an emitter for a server-sent event stream).
 */
final class BridgedExchange extends HttpExchange {

    private final String method;
    private final URI uri;
    private final OutputStream body;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private int status = -1;

    BridgedExchange(String method, URI uri, OutputStream body) {
        this.method = method;
        this.uri = uri;
        this.body = body;
    }

    /** A plain request whose answer is buffered, for {@link #bufferedBody()}. */
    static BridgedExchange buffered(String method, URI uri) {
        return new BridgedExchange(method, uri, new ByteArrayOutputStream());
    }

    byte[] bufferedBody() {
        return ((ByteArrayOutputStream) body).toByteArray();
    }

    /** The status the handler sent, or -1 while it has sent none. */
    int status() {
        return status;
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return method;
    }

    @Override
    public HttpContext getHttpContext() {
        throw new UnsupportedOperationException("bridged exchanges have no HTTP server context");
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // Closing a buffer cannot fail; a stream that is already gone is closed.
        }
    }

    @Override
    public InputStream getRequestBody() {
        // The dashboard's calls carry no body (requeue, trigger and delete are addressed by their URL).
        return InputStream.nullInputStream();
    }

    @Override
    public OutputStream getResponseBody() {
        return body;
    }

    @Override
    public void sendResponseHeaders(int code, long length) {
        this.status = code;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return InetSocketAddress.createUnresolved("localhost", 0);
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return InetSocketAddress.createUnresolved("localhost", 0);
    }

    @Override
    public String getProtocol() {
        return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream in, OutputStream out) {
        throw new UnsupportedOperationException("bridged exchanges keep their streams");
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }
}
