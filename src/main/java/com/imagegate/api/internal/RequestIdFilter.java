package com.imagegate.api.internal;

import com.imagegate.Ids;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * First filter of every request. Gives the response an {@code x-request-id} (the caller's, when it is a sane token,
 * else a new {@code req_…}) and puts it in the logging MDC as {@code requestId}. On the API's paths it also makes
 * sure every error leaves as an OpenAI error body: {@code sendError} from anywhere downstream (unknown route, wrong
 * method, Spring Security) writes one instead of forwarding to the HTML error page, and an exception nobody handled
 * becomes a 500 without its stack trace.
 */
class RequestIdFilter extends OncePerRequestFilter {

    static final String HEADER = "x-request-id";
    static final String MDC_KEY = "requestId";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Logger log = LoggerFactory.getLogger(RequestIdFilter.class);

    private final ApiErrorWriter errors;

    RequestIdFilter(ApiErrorWriter errors) {
        this.errors = errors;
    }

    /** The caller's id when it is 1–128 letters, digits or {@code . _ : -}; otherwise a fresh one. */
    static String requestId(String incoming) {
        return incoming != null && SANE.matcher(incoming).matches() ? incoming : Ids.next("req");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = requestId(request.getHeader(HEADER));
        response.setHeader(HEADER, id);
        MDC.put(MDC_KEY, id);
        try {
            if (ApiPaths.isApi(request)) {
                api(request, response, chain, id);
            } else {
                chain.doFilter(request, response);
            }
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    private void api(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String id)
            throws IOException {
        try {
            chain.doFilter(request, new ErrorsAsJson(request, response));
        } catch (Exception unhandled) {
            if (clientLeft(unhandled)) {
                log.debug("Client left {} {}: {}", request.getMethod(), ApiPaths.path(request), unhandled.toString());
                return;
            }
            log.error("Unhandled error on {} {}", request.getMethod(), ApiPaths.path(request), unhandled);
            if (response.isCommitted()) {
                return;
            }
            response.reset();
            response.setHeader(HEADER, id);
            errors.write(response, 500, ApiError.forStatus(500, request.getMethod(), ApiPaths.path(request)));
        }
    }

    /** Turns {@code sendError} into an OpenAI error body, keeping the headers already set (Allow, WWW-Authenticate). */
    private final class ErrorsAsJson extends HttpServletResponseWrapper {

        private final HttpServletRequest request;

        ErrorsAsJson(HttpServletRequest request, HttpServletResponse response) {
            super(response);
            this.request = request;
        }

        @Override
        public void sendError(int status) throws IOException {
            sendError(status, null);
        }

        @Override
        public void sendError(int status, String ignoredMessage) throws IOException {
            if (isCommitted()) {
                return;
            }
            resetBuffer();
            errors.write(this, status, ApiError.forStatus(status, request.getMethod(), ApiPaths.path(request)));
        }
    }

    /** A stream whose client went away (Spring MVC's {@link AsyncRequestNotUsableException}, perhaps wrapped). */
    static boolean clientLeft(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AsyncRequestNotUsableException) {
                return true;
            }
        }
        return false;
    }
}
