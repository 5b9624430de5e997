package com.imagegate.generation.internal;

import com.imagegate.generation.TaskStatus;
import java.time.Instant;
import java.util.List;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;

/** The gallery's reads of tasks: filtered by prompt text, status, size and day. */
interface GalleryTasks extends Repository<Task, String> {

    @Query("select t from Task t where t.workspaceId = :workspaceId"
            + " and (:afterCreated is null or t.createdAt < :afterCreated"
            + " or (t.createdAt = :afterCreated and t.id < :afterId))"
            + " and (:pattern is null or lower(t.prompt) like :pattern escape '!')"
            + " and (:status is null or t.status = :status)"
            + " and (:size is null or t.size = :size)"
            + " and (:from is null or t.createdAt >= :from)"
            + " and (:to is null or t.createdAt < :to)"
            + " order by t.createdAt desc, t.id desc")
    List<Task> page(
            String workspaceId,
            Instant afterCreated,
            String afterId,
            String pattern,
            TaskStatus status,
            String size,
            Instant from,
            Instant to,
            Pageable limit);
}
