package com.imagegate.credits;

import java.time.Instant;

/**
 * Support gave back the credits a task was charged (ledger reference {@code refund:<task id>}, at most once per
 * task): published by whoever refunds, inside the transaction that wrote the adjustment, so listeners running in it
 * commit or roll back with the refund.
 *
 * @param credits the credits given back
 * @param ledgerEntryId the adjustment's ledger entry
 */
public record CreditsRefunded(String workspaceId, String taskId, long credits, String ledgerEntryId, Instant at) {}
