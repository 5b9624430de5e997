package com.imagegate.credits;

/** Gives a reservation's credits back (a failed or canceled task). */
public record Release(String reference) {

    public Release {
        References.reference(reference);
    }
}
