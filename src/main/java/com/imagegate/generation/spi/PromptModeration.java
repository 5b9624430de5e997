package com.imagegate.generation.spi;

import java.util.List;

/**
 * The upstream's moderation endpoint, asked about a prompt before a task is accepted and paid for (implemented by
 * {@code generation.upstream}; absent when the provider is not {@code openai}).
 */
public interface PromptModeration {

    /** Checks one prompt; never throws for an upstream failure ({@link Verdict.Unavailable} instead). */
    Verdict check(String prompt);

    /** The moderation's answer. */
    sealed interface Verdict {

        /** Not flagged. */
        record Allowed() implements Verdict {}

        /** Flagged ({@code results[0].flagged}), with the categories that were true. */
        record Flagged(List<String> categories) implements Verdict {
            public Flagged {
                categories = List.copyOf(categories);
            }
        }

        /** No usable answer (no channel, an error, a timeout, not the wire format); {@code why} for the logs. */
        record Unavailable(String why) implements Verdict {}
    }
}
