package com.imagegate;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Enforces a body size limit while the body is read, before any other work: a {@code Content-Length} over the limit is
 * refused at once without reading a byte; a body without one (chunked) is read up to the limit and refused as soon as
 * one byte more arrives. A body within the limit is kept (it is at most {@code maxBytes}) and handed on, so whatever
 * reads it later reads it from memory. A refusal answers 413 through {@code tooLarge}, with {@code Connection: close}
 * so the server does not read the rest of the body to reuse the connection.
 *
 * <p>Modules register their own instance for their own paths and error shape (the API's JSON bodies, Stripe's
 * webhook). Multipart uploads are bounded by the servlet container's multipart limits instead, while they are parsed.
 */
public class BoundedBodyFilter extends OncePerRequestFilter {

    /** Writes the 413 answer in the caller's documented error shape. */
    @FunctionalInterface
    public interface TooLarge {
        void answer(HttpServletRequest request, HttpServletResponse response, long maxBytes) throws IOException;
    }

    private final long maxBytes;
    private final Predicate<HttpServletRequest> applies;
    private final TooLarge tooLarge;

    /**
     * @param maxBytes the largest body accepted
     * @param applies which requests the limit is for (path, content type)
     * @param tooLarge writes the 413
     */
    public BoundedBodyFilter(long maxBytes, Predicate<HttpServletRequest> applies, TooLarge tooLarge) {
        if (maxBytes < 0 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes out of range: " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.applies = applies;
        this.tooLarge = tooLarge;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !applies.test(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            refuse(request, response);
            return;
        }
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (declared <= 0 && !chunked) {
            chain.doFilter(request, response);
            return;
        }
        // readNBytes stops at the limit plus one: an endless body costs at most maxBytes + 1 bytes of memory.
        byte[] body = request.getInputStream().readNBytes((int) maxBytes + 1);
        if (body.length > maxBytes) {
            refuse(request, response);
            return;
        }
        chain.doFilter(new ReadBody(request, body), response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        tooLarge.answer(request, response, maxBytes);
    }

    /** The request with its body already read (and within the limit). */
    private static final class ReadBody extends HttpServletRequestWrapper {

        private final byte[] body;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            var in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body was already read");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }
}
