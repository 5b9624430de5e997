package com.imagegate.api.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;

/**
 * Errors raised inside the API's controllers, as OpenAI error bodies. Errors before a controller is chosen (unknown
 * route, wrong method) and outside Spring MVC are turned into the same shape by {@link RequestIdFilter}.
 */
@RestControllerAdvice(basePackages = "com.imagegate.api")
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler
    ResponseEntity<ApiError> refused(ApiException refused) {
        var response = ResponseEntity.status(refused.status());
        refused.headers().forEach(response::header);
        return response.body(refused.error());
    }

    @ExceptionHandler
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException unreadable) {
        return ResponseEntity.badRequest()
                .body(ApiError.invalidRequest(
                        "We could not parse the JSON body of your request. Send valid JSON with"
                                + " Content-Type: application/json.",
                        null,
                        "invalid_json"));
    }

    /**
     * Spring MVC's own errors keep their status (and headers such as Allow); Spring Security's go back to the API
     * chain's entry point and access-denied handler; anything else is a 500.
     */
    @ExceptionHandler
    ResponseEntity<ApiError> other(Exception failure, HttpServletRequest request) throws Exception {
        if (failure instanceof AccessDeniedException || failure instanceof AuthenticationException) {
            throw failure;
        }
        if (failure instanceof ErrorResponse known) {
            int status = known.getStatusCode().value();
            return ResponseEntity.status(status)
                    .headers(known.getHeaders())
                    .body(ApiError.forStatus(status, request.getMethod(), ApiPaths.path(request)));
        }
        if (failure instanceof AsyncRequestNotUsableException) {
            // The client left during a stream (an event stream closed by its reader): normal, nothing to answer.
            log.debug("Client left {} {}: {}", request.getMethod(), ApiPaths.path(request), failure.toString());
            return null;
        }
        if (poolExhausted(failure)) {
            // Every database connection stayed busy for the pool's whole wait (a burst of requests, e.g. a thousand
            // event streams opened at once): the request did nothing, so the client may simply try again.
            log.warn(
                    "No database connection for {} {}: {}",
                    request.getMethod(),
                    ApiPaths.path(request),
                    failure.toString());
            // JSON even on an event stream's route (Content-Type set here wins over the request's Accept).
            return ResponseEntity.status(503)
                    .header("Retry-After", "1")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(ApiError.of(
                            "The server is busy right now. Try again in a second.",
                            ApiError.SERVER_ERROR,
                            null,
                            "server_busy"));
        }
        log.error("Unhandled error on {} {}", request.getMethod(), ApiPaths.path(request), failure);
        return ResponseEntity.internalServerError()
                .body(ApiError.forStatus(500, request.getMethod(), ApiPaths.path(request)));
    }

    /** Whether the failure comes from waiting in vain for a pooled connection (Hikari's connection timeout). */
    static boolean poolExhausted(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }
}
