package com.imagegate.generation;

/**
 * A request the API rules refuse (docs/api.md): {@code code} is {@code invalid_value},
 * {@code missing_required_parameter} or {@code unknown_parameter}, {@code param} the field at fault.
 */
public class InvalidRequestException extends RuntimeException {

    private final String param;
    private final String code;

    public InvalidRequestException(String param, String code, String message) {
        super(message);
        this.param = param;
        this.code = code;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
