package com.imagegate.generation.internal;

import java.time.Instant;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface IdempotencyKeys extends JpaRepository<IdempotencyKey, IdempotencyKey.Id> {

    @Modifying
    @Query("delete from IdempotencyKey k where k.createdAt < :before")
    int deleteOlderThan(Instant before);
}
