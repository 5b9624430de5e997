package com.imagegate.admin.internal;

import java.time.Instant;

/**
 * One admin action: who did what to which object, the state before and after, and why.
 *
 * @param targetType {@code workspace}, {@code user}, {@code task}, {@code api_key}, {@code billing_flag},
 *     {@code ledger}, {@code signup_policy}, {@code signup_network}, {@code channel}
 * @param workspaceId the workspace concerned, when there is one (for the workspace page's history)
 * @param reference set for actions that may happen only once (e.g. {@code refund:task_…}), else null
 */
record AuditEntry(
        String id,
        Instant createdAt,
        String adminId,
        String adminEmail,
        String action,
        String targetType,
        String targetId,
        String workspaceId,
        String before,
        String after,
        String reason,
        String reference) {}
