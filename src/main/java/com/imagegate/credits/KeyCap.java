package com.imagegate.credits;

/**
 * The API key a reservation is made with, and its optional monthly cap. Usage in a month is what the key's
 * reservations made in that UTC calendar month hold or captured.
 *
 * @param monthlyCap most credits the key may use per UTC calendar month; {@code null} for no cap (usage is still
 *     recorded)
 */
public record KeyCap(String apiKeyId, Long monthlyCap) {

    public KeyCap {
        References.id(apiKeyId, "apiKeyId");
        if (monthlyCap != null && monthlyCap < 0) {
            throw new IllegalArgumentException("monthlyCap must not be negative: " + monthlyCap);
        }
    }
}
