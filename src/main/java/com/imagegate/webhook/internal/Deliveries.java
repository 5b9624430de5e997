package com.imagegate.webhook.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

/**
 * Webhook deliveries. An attempt is claimed by a conditional update that names the attempt count it saw, so of two
 * senders racing for the same attempt (a local retry and its JobRunr backstop, or two nodes) exactly one sends.
 */
interface Deliveries extends JpaRepository<Delivery, String> {

    Optional<Delivery> findByIdAndWorkspaceId(String id, String workspaceId);

    @Query("select d from Delivery d where d.workspaceId = :workspaceId order by d.createdAt desc, d.id desc")
    List<Delivery> recent(String workspaceId, Pageable limit);

    @Query("select d from Delivery d where d.workspaceId = :workspaceId and d.endpointId = :endpointId"
            + " order by d.createdAt desc, d.id desc")
    List<Delivery> recentOfEndpoint(String workspaceId, String endpointId, Pageable limit);

    /**
     * Claims attempt {@code seen + 1} of a due, pending delivery; while it is out, the delivery is not due again
     * until {@code holdUntil} (if the sender dies, a later job takes the next attempt then).
     */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("update Delivery d set d.attempts = d.attempts + 1, d.nextAttemptAt = :holdUntil"
            + " where d.id = :id and d.attempts = :seen and d.nextAttemptAt <= :now"
            + " and d.status = com.imagegate.webhook.internal.Delivery.Status.PENDING")
    int claim(String id, int seen, Instant now, Instant holdUntil);

    /** Records the outcome of the claimed attempt {@code attempt}. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("update Delivery d set d.status = :status, d.lastStatusCode = :statusCode, d.lastError = :error,"
            + " d.nextAttemptAt = :nextAttemptAt, d.finishedAt = :finishedAt"
            + " where d.id = :id and d.attempts = :attempt"
            + " and d.status = com.imagegate.webhook.internal.Delivery.Status.PENDING")
    int record(
            String id,
            int attempt,
            Delivery.Status status,
            Integer statusCode,
            String error,
            Instant nextAttemptAt,
            Instant finishedAt);

    /** Pending deliveries overdue by a margin: their job was lost (a node died mid-attempt). */
    @Query("select d.id from Delivery d where d.status = com.imagegate.webhook.internal.Delivery.Status.PENDING"
            + " and d.nextAttemptAt < :before order by d.nextAttemptAt")
    List<String> findOverdue(Instant before, Pageable limit);
}
