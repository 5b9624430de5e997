package com.imagegate.generation.internal;

import com.imagegate.generation.TaskStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

/**
 * Tasks, and the conditional updates that move them between states. Each update names the state it expects, so of
 * two nodes racing for the same task exactly one wins (it sees 1 row updated, the other 0).
 */
interface Tasks extends JpaRepository<Task, String> {

    /** A workspace's task (every API poll): a string query, so its plan is cached rather than rebuilt per call. */
    @Query("select t from Task t where t.id = :id and t.workspaceId = :workspaceId")
    Optional<Task> findByIdAndWorkspaceId(String id, String workspaceId);

    /** The newest task a key created for this request digest since then, leaving out tasks in these states. */
    @Query("select t.id from Task t where t.apiKeyId = :apiKeyId and t.requestHash = :requestHash"
            + " and t.workspaceId = :workspaceId and t.createdAt >= :since and t.status not in :excluded"
            + " order by t.createdAt desc")
    List<String> findRetried(
            String workspaceId,
            String apiKeyId,
            String requestHash,
            Instant since,
            Collection<TaskStatus> excluded,
            Pageable limit);

    @Query("select count(t) from Task t where t.workspaceId = :workspaceId and t.status in :statuses")
    long countByWorkspaceIdAndStatusIn(String workspaceId, Collection<TaskStatus> statuses);

    /** Claims a pending task, or one whose processing lease ran out (its node died), for this node. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("update Task t set t.status = com.imagegate.generation.TaskStatus.PROCESSING, t.leaseOwner = :owner,"
            + " t.leaseUntil = :leaseUntil, t.attempts = t.attempts + 1,"
            + " t.startedAt = coalesce(t.startedAt, :now)"
            + " where t.id = :id and (t.status = com.imagegate.generation.TaskStatus.PENDING"
            + " or (t.status = com.imagegate.generation.TaskStatus.PROCESSING and t.leaseUntil < :now))")
    int claim(String id, String owner, Instant leaseUntil, Instant now);

    /**
     * Counts a partial image this node has stored for a task it still renders: {@code partials} becomes {@code
     * count}, which every node's task watcher reads.
     */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query(
            value = "update image_tasks set partials = :count where id = :id and lease_owner = :owner"
                    + " and status = 'PROCESSING' and partials < :count",
            nativeQuery = true)
    int partialStored(String id, String owner, int count);

    /** Ended tasks whose partial images are still stored, ended before {@code before}. */
    @Query("select t from Task t where t.partials > 0 and t.finishedAt < :before order by t.finishedAt")
    List<Task> findWithExpiredPartials(Instant before, Pageable page);

    /** The task's partial images were deleted. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query(value = "update image_tasks set partials = 0 where id = :id", nativeQuery = true)
    int partialsDeleted(String id);

    /** Extends this node's lease while it is still rendering. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("update Task t set t.leaseUntil = :leaseUntil where t.id = :id and t.leaseOwner = :owner"
            + " and t.status = com.imagegate.generation.TaskStatus.PROCESSING")
    int renew(String id, String owner, Instant leaseUntil);

    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query(
            "update Task t set t.status = com.imagegate.generation.TaskStatus.SUCCEEDED, t.creditsCaptured = :captured,"
                    + " t.creditsRefunded = :partlyRefunded, t.finishedAt = :now, t.leaseUntil = null"
                    + " where t.id = :id and t.leaseOwner = :owner and t.status = com.imagegate.generation.TaskStatus.PROCESSING")
    int succeed(String id, String owner, long captured, boolean partlyRefunded, Instant now);

    /** Fails a task this node holds. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query(
            "update Task t set t.status = com.imagegate.generation.TaskStatus.FAILED, t.errorCode = :code,"
                    + " t.errorMessage = :message, t.creditsRefunded = true, t.finishedAt = :now, t.leaseUntil = null"
                    + " where t.id = :id and t.leaseOwner = :owner and t.status = com.imagegate.generation.TaskStatus.PROCESSING")
    int fail(String id, String owner, String code, String message, Instant now);

    /** Fails a task whatever node holds it (the sweeper, for tasks stuck past their deadline). */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("update Task t set t.status = com.imagegate.generation.TaskStatus.FAILED, t.errorCode = :code,"
            + " t.errorMessage = :message, t.creditsRefunded = true, t.finishedAt = :now, t.leaseUntil = null"
            + " where t.id = :id and t.status in (com.imagegate.generation.TaskStatus.PENDING,"
            + " com.imagegate.generation.TaskStatus.PROCESSING)")
    int failUnfinished(String id, String code, String message, Instant now);

    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("update Task t set t.status = com.imagegate.generation.TaskStatus.CANCELED, t.creditsRefunded = true,"
            + " t.finishedAt = :now, t.leaseUntil = null where t.id = :id and t.workspaceId = :workspaceId"
            + " and t.status in (com.imagegate.generation.TaskStatus.PENDING,"
            + " com.imagegate.generation.TaskStatus.PROCESSING)")
    int cancel(String id, String workspaceId, Instant now);

    /** A page of a workspace's tasks, newest first, after a cursor position. */
    @Query("select t from Task t where t.workspaceId = :workspaceId"
            + " and (:afterCreated is null or t.createdAt < :afterCreated"
            + " or (t.createdAt = :afterCreated and t.id < :afterId))"
            + " and (:status is null or t.status = :status)"
            + " and (:user is null or t.endUser = :user)"
            + " and (:from is null or t.createdAt >= :from)"
            + " and (:to is null or t.createdAt < :to)"
            + " order by t.createdAt desc, t.id desc")
    List<Task> page(
            String workspaceId,
            Instant afterCreated,
            String afterId,
            TaskStatus status,
            String user,
            Instant from,
            Instant to,
            Pageable limit);

    @Query("select t.id from Task t where t.status = com.imagegate.generation.TaskStatus.PROCESSING"
            + " and t.startedAt < :startedBefore")
    List<String> findStuck(Instant startedBefore, Pageable limit);

    @Query(
            "select t.id from Task t where (t.status = com.imagegate.generation.TaskStatus.PENDING and t.createdAt < :before)"
                    + " or (t.status = com.imagegate.generation.TaskStatus.PROCESSING and t.leaseUntil < :before)")
    List<String> findOrphaned(Instant before, Pageable limit);

    /** The oldest pending tasks: what a local worker that has just freed up takes next. */
    @Query("select t.id from Task t where t.status = com.imagegate.generation.TaskStatus.PENDING order by t.createdAt")
    List<String> findPending(Pageable limit);
}
