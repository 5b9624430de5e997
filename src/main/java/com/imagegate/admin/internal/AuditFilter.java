package com.imagegate.admin.internal;

import java.time.Instant;

/** Which audit entries to list; blank fields do not filter. */
record AuditFilter(
        String adminId,
        String action,
        String workspaceId,
        String targetId,
        Instant from,
        Instant to,
        String before,
        int limit) {}
