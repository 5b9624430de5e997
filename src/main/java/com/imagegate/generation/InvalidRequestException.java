package com.imagegate.generation;

import java.util.Locale;
import java.util.function.Function;

/**
 * A request the API rules refuse (docs/api.md): {@code code} is {@code invalid_value},
 * {@code missing_required_parameter} or {@code unknown_parameter}, {@code param} the field at fault.
 *
 * <p>The generation rules name the field at fault by its {@link RequestField} (and index, for list items), not by any
 * edge's spelling of it: such an exception is turned into the edge's terms by {@link #named}, which gives its
 * {@code param} and its message with the edge's field names in them.
 */
public class InvalidRequestException extends RuntimeException {

    /** How an edge spells the domain's fields; {@code index} is -1 for a whole field, else the list item. */
    @FunctionalInterface
    public interface FieldNames {
        String name(RequestField field, int index);
    }

    /** The domain's own spelling ({@code imageUrls[2]}), used until an edge names the field. */
    public static final FieldNames DOMAIN_NAMES = (field, index) -> {
        String[] words = field.name().toLowerCase(Locale.ROOT).split("_");
        var name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return index < 0 ? name.toString() : name + "[" + index + "]";
    };

    private final String param;
    private final String code;
    private final RequestField field;
    private final int index;
    private final Function<FieldNames, String> message;

    public InvalidRequestException(String param, String code, String message) {
        super(message);
        this.param = param;
        this.code = code;
        this.field = null;
        this.index = -1;
        this.message = null;
    }

    /**
     * A refusal of the generation rules naming a domain field.
     *
     * @param index the list item at fault, or -1
     * @param message the message, given the edge's field names
     */
    public InvalidRequestException(RequestField field, int index, String code, Function<FieldNames, String> message) {
        super(message.apply(DOMAIN_NAMES));
        this.param = DOMAIN_NAMES.name(field, index);
        this.code = code;
        this.field = field;
        this.index = index;
        this.message = message;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** The domain field at fault, or null when the exception already names its {@link #param()} in an edge's terms. */
    public RequestField field() {
        return field;
    }

    /** The list item of {@link #field()} at fault, or -1. */
    public int index() {
        return index;
    }

    /**
     * This refusal in an edge's terms: its {@code param} and message spell the fields as {@code names} says. An
     * exception that names no domain field is returned as it is.
     */
    public InvalidRequestException named(FieldNames names) {
        if (field == null) {
            return this;
        }
        var named = new InvalidRequestException(names.name(field, index), code, message.apply(names));
        named.setStackTrace(getStackTrace());
        return named;
    }
}
