package com.imagegate.generation.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface TaskImages extends JpaRepository<TaskImage, String> {

    /** A task's images (every poll of a succeeded task): a string query, its plan cached. */
    @Query("select i from TaskImage i where i.taskId = :taskId order by i.position")
    List<TaskImage> findByTaskIdOrderByPosition(String taskId);

    List<TaskImage> findByTaskIdInOrderByPosition(Collection<String> taskIds);

    Optional<TaskImage> findByStorageKey(String storageKey);

    @Query("select i from TaskImage i where i.deletedAt is null and i.createdAt < :before order by i.createdAt")
    List<TaskImage> findExpired(Instant before, Pageable limit);
}
