package com.imagegate.credits;

/**
 * Charges {@code credits} of a reservation (at most what it holds) and releases the rest, e.g. a task of four images
 * where three succeeded captures three images' worth.
 */
public record Capture(String reference, long credits) {

    public Capture {
        References.reference(reference);
        References.positive(credits);
    }
}
