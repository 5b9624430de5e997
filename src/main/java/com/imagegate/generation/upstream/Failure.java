package com.imagegate.generation.upstream;

import com.imagegate.generation.spi.ProviderException;
import java.time.Duration;

/**
 * Why one upstream call failed, in our words: never the upstream's raw body or key.
 *
 * @param statusCode the HTTP status, or null when no response came
 * @param retryAfter how long the upstream asked us to wait ({@code retry-after-ms} / {@code retry-after}), or null
 * @param detail a short safe description (upstream error code and param when it sent them)
 */
record Failure(Kind kind, Integer statusCode, Duration retryAfter, String detail) {

    enum Kind {
        /** No response within the read timeout. */
        TIMEOUT("upstream_timeout", true, true),
        /** Could not connect, or the connection broke. */
        CONNECTION("upstream_connection_failed", true, true),
        /** 429. */
        RATE_LIMITED("upstream_rate_limited", true, true),
        /** 5xx, 408, 409. */
        SERVER_ERROR("upstream_server_error", true, true),
        /** 401/403: the channel's key or account is refused; another channel may work. */
        CHANNEL_REFUSED("upstream_auth_failed", true, true),
        /** 200 with a body that is not the Images API's JSON. */
        MALFORMED("upstream_bad_response", true, true),
        /** Image data that does not decode, is cut short, or is not what was asked. */
        BAD_IMAGE("upstream_bad_image", true, true),
        /** 400 moderation_blocked: the request itself was refused by the safety system. */
        CONTENT_POLICY("content_policy_violation", false, false),
        /** Any other 4xx: the request cannot succeed as it is. */
        REJECTED("upstream_rejected", false, false);

        private final String code;
        private final boolean retryable;
        private final boolean channelFault;

        Kind(String code, boolean retryable, boolean channelFault) {
            this.code = code;
            this.retryable = retryable;
            this.channelFault = channelFault;
        }
    }

    /** Our code for this attempt (recorded in the task's timeline). */
    String code() {
        return kind.code;
    }

    boolean retryable() {
        return kind.retryable;
    }

    /**
     * How many images the upstream charges for a call that failed this way: the {@code asked} images when it answered
     * HTTP 200 with image data we could not use (it rendered them: {@link Kind#BAD_IMAGE}); none for every other
     * failure: no answer (timeout, connection), an error status (4xx, 5xx, 429) or a 200 that is not the Images API's
     * JSON (a proxy's page, no data). The rule is documented in docs/operations.md, "Money pages".
     */
    int billedImages(int asked) {
        return kind == Kind.BAD_IMAGE && Integer.valueOf(200).equals(statusCode) ? asked : 0;
    }

    /** Counts towards the channel's cool-down (the channel, not the request, is at fault). */
    boolean channelFault() {
        return kind.channelFault;
    }

    /** Short text for logs, the channel's last error and the task's message. */
    String describe() {
        String what = switch (kind) {
            case TIMEOUT -> "timed out";
            case CONNECTION -> "connection failed";
            case RATE_LIMITED -> "rate limited";
            case SERVER_ERROR -> "server error";
            case CHANNEL_REFUSED -> "upstream refused our credentials";
            case MALFORMED -> "malformed response";
            case BAD_IMAGE -> "unusable image data";
            case CONTENT_POLICY -> "blocked by the safety system";
            case REJECTED -> "request rejected";
        };
        StringBuilder text = new StringBuilder(what);
        if (statusCode != null) {
            text.append(", HTTP ").append(statusCode);
        }
        if (detail != null && !detail.isBlank()) {
            text.append(", ").append(detail);
        }
        return text.toString();
    }

    /** The task's end for a failure that must not be retried. */
    ProviderException toTaskError() {
        return switch (kind) {
            case CONTENT_POLICY ->
                new ProviderException(
                        kind.code,
                        "The request was rejected by the image service's safety system. Change the prompt or the"
                                + " reference images and try again.",
                        false);
            default ->
                new ProviderException(kind.code, "The image service rejected the request (" + describe() + ").", false);
        };
    }
}
