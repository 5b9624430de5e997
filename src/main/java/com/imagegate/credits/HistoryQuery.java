package com.imagegate.credits;

import java.time.Instant;
import java.util.Set;

/**
 * A page of a workspace's history, newest first.
 *
 * @param kinds only these kinds; empty for all
 * @param from only entries at or after this instant, or {@code null}
 * @param to only entries before this instant, or {@code null}
 * @param cursor {@link HistoryPage#nextCursor()} of the previous page, or {@code null} for the first page
 * @param limit entries per page, 1 to {@value #MAX_LIMIT}
 */
public record HistoryQuery(
        String workspaceId, Set<EntryKind> kinds, Instant from, Instant to, String cursor, int limit) {

    public static final int MAX_LIMIT = 200;

    public HistoryQuery {
        References.id(workspaceId, "workspaceId");
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ": " + limit);
        }
        if (cursor != null && cursor.isBlank()) {
            cursor = null;
        }
    }

    /** The first page of all kinds at any time. */
    public static HistoryQuery firstPage(String workspaceId, int limit) {
        return new HistoryQuery(workspaceId, Set.of(), null, null, null, limit);
    }

    /** The same query from another cursor. */
    public HistoryQuery after(String nextCursor) {
        return new HistoryQuery(workspaceId, kinds, from, to, nextCursor, limit);
    }
}
