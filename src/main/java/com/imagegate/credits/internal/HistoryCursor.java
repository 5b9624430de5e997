package com.imagegate.credits.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Where a history page ended: the last entry's time and id, opaque to callers. */
record HistoryCursor(Instant createdAt, String id) {

    private static final String VERSION = "c1";

    String encode() {
        long micros =
                Math.addExact(Math.multiplyExact(createdAt.getEpochSecond(), 1_000_000L), createdAt.getNano() / 1_000);
        String raw = VERSION + "|" + micros + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this ledger made */
    static HistoryCursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|", 3);
            if (parts.length != 3 || !VERSION.equals(parts[0]) || parts[2].isEmpty()) {
                throw new IllegalArgumentException("invalid history cursor");
            }
            long micros = Long.parseLong(parts[1]);
            Instant at =
                    Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
            return new HistoryCursor(at, parts[2]);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException("invalid history cursor", invalid);
        }
    }
}
