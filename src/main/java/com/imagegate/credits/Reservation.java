package com.imagegate.credits;

import java.time.Instant;

/** Credits held for a piece of work, until capture or release. */
public record Reservation(String reference, String workspaceId, long credits, String apiKeyId, Instant createdAt) {}
