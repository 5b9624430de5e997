package com.imagegate.credits;

import java.util.List;

/**
 * @param nextCursor an opaque cursor for the next page, {@code null} on the last page
 */
public record HistoryPage(List<LedgerEntry> entries, String nextCursor) {

    public HistoryPage {
        entries = List.copyOf(entries);
    }
}
