package com.imagegate.generation;

import java.time.Instant;

/**
 * Which of a workspace's tasks to list.
 *
 * @param after the cursor of the previous page, or null
 * @param limit page size, 1–100
 */
public record TaskQuery(String after, int limit, TaskStatus status, String user, Instant from, Instant to) {

    public static final int MAX_LIMIT = 100;

    public TaskQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit", "invalid_value", "limit must be an integer from 1 to 100.");
        }
    }
}
