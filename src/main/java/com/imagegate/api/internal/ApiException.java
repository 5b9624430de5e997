package com.imagegate.api.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** An API request refused with a specific status and OpenAI error body. */
class ApiException extends RuntimeException {

    private final int status;
    private final ApiError error;
    private final Map<String, String> headers = new LinkedHashMap<>();

    ApiException(int status, ApiError error) {
        super(error.error().message(), null, false, false);
        this.status = status;
        this.error = error;
    }

    static ApiException notFound(String message) {
        return new ApiException(404, ApiError.invalidRequest(message, null, "not_found"));
    }

    /** A header to send with the error, e.g. {@code Retry-After}. */
    ApiException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    Map<String, String> headers() {
        return headers;
    }

    int status() {
        return status;
    }

    ApiError error() {
        return error;
    }
}
