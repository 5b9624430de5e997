package com.imagegate.api.internal;

import org.springframework.http.HttpStatus;

/**
 * The OpenAI error body every API error answers with:
 * {@code {"error":{"message":…,"type":…,"param":…,"code":…}}}. Never carries a stack trace or an exception's text.
 *
 * @param error the error
 */
record ApiError(Body error) {

    static final String INVALID_REQUEST = "invalid_request_error";
    static final String SERVER_ERROR = "server_error";

    /**
     * @param message what went wrong, for a person
     * @param type {@code invalid_request_error}, {@code server_error}, {@code requests}, {@code insufficient_quota}
     * @param param the request field at fault, or {@code null}
     * @param code a stable machine-readable code, e.g. {@code invalid_api_key}
     */
    record Body(String message, String type, String param, String code) {}

    static ApiError of(String message, String type, String param, String code) {
        return new ApiError(new Body(message, type, param, code));
    }

    static ApiError invalidRequest(String message, String param, String code) {
        return of(message, INVALID_REQUEST, param, code);
    }

    /** The generic error for a status, for errors that carry nothing more specific. */
    static ApiError forStatus(int status, String method, String path) {
        return switch (status) {
            case 400 ->
                invalidRequest("Your request was malformed or missing a required parameter.", null, "invalid_request");
            case 401 -> invalidRequest(ApiKeyAuthenticationFilter.INCORRECT_KEY, null, "invalid_api_key");
            case 403 -> invalidRequest("You are not allowed to do this.", null, "permission_denied");
            case 404 -> invalidRequest("Unknown request URL: " + method + " " + shorten(path) + ".", null, "not_found");
            case 405 ->
                invalidRequest(
                        "Method " + method + " is not allowed on " + shorten(path) + ".", null, "method_not_allowed");
            case 406 -> invalidRequest("This endpoint answers application/json only.", null, "not_acceptable");
            case 413 -> invalidRequest("The request body is too large.", null, "payload_too_large");
            case 415 ->
                invalidRequest("Unsupported Content-Type: send application/json.", null, "unsupported_media_type");
            case 429 -> of("Too many requests: slow down.", "requests", null, "rate_limit_exceeded");
            default ->
                status >= 500
                        ? of(
                                "The server had an error while processing your request. Retry it, and if the error"
                                        + " persists tell us the x-request-id of the response.",
                                SERVER_ERROR,
                                null,
                                "server_error")
                        : invalidRequest(
                                HttpStatus.resolve(status) == null
                                        ? "The request failed."
                                        : HttpStatus.resolve(status).getReasonPhrase() + ".",
                                null,
                                "invalid_request");
        };
    }

    private static String shorten(String path) {
        return path == null ? "" : path.length() > 200 ? path.substring(0, 200) + "…" : path;
    }
}
