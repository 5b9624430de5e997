package com.imagegate.account.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface Invitations extends JpaRepository<Invitation, String> {

    Optional<Invitation> findByTokenHash(String tokenHash);

    Optional<Invitation> findByIdAndWorkspaceId(String id, String workspaceId);

    @Query("select i from Invitation i where i.workspaceId = :workspaceId and i.acceptedAt is null"
            + " and i.revokedAt is null and i.expiresAt > :now order by i.createdAt desc")
    List<Invitation> findOpen(String workspaceId, Instant now);

    @Query("select i from Invitation i where i.workspaceId = :workspaceId and i.email = :email and i.acceptedAt is null"
            + " and i.revokedAt is null and i.expiresAt > :now")
    List<Invitation> findOpenFor(String workspaceId, String email, Instant now);

    long countByWorkspaceIdAndCreatedAtAfter(String workspaceId, Instant since);

    long countByEmailAndCreatedAtAfter(String email, Instant since);

    /** Accepts the invitation if it is still open: 1 for the one caller that wins, 0 otherwise. */
    @Modifying
    @Query("update Invitation i set i.acceptedAt = :now where i.id = :id and i.acceptedAt is null"
            + " and i.revokedAt is null and i.expiresAt > :now")
    int accept(String id, Instant now);
}
