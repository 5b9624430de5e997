package com.imagegate.webhook.internal;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface Endpoints extends JpaRepository<Endpoint, String> {

    Optional<Endpoint> findByIdAndWorkspaceId(String id, String workspaceId);

    @Query("select e from Endpoint e where e.workspaceId = :workspaceId order by e.createdAt, e.id")
    List<Endpoint> ofWorkspace(String workspaceId);

    long countByWorkspaceId(String workspaceId);
}
