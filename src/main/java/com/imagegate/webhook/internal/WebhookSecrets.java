package com.imagegate.webhook.internal;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface WebhookSecrets extends JpaRepository<WorkspaceWebhookSecret, String> {

    /** The row, locked until the transaction ends: two rotations at once happen one after the other. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select s from WorkspaceWebhookSecret s where s.workspaceId = :workspaceId")
    Optional<WorkspaceWebhookSecret> lockById(String workspaceId);
}
