package com.imagegate.api.internal;

/** An API request refused with a specific status and OpenAI error body. */
class ApiException extends RuntimeException {

    private final int status;
    private final ApiError error;

    ApiException(int status, ApiError error) {
        super(error.error().message(), null, false, false);
        this.status = status;
        this.error = error;
    }

    static ApiException notFound(String message) {
        return new ApiException(404, ApiError.invalidRequest(message, null, "not_found"));
    }

    int status() {
        return status;
    }

    ApiError error() {
        return error;
    }
}
