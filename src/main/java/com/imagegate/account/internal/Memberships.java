package com.imagegate.account.internal;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface Memberships extends JpaRepository<Membership, String> {

    Optional<Membership> findByWorkspaceIdAndUserId(String workspaceId, String userId);

    java.util.List<Membership> findByWorkspaceId(String workspaceId);

    long countByWorkspaceIdAndRole(String workspaceId, com.imagegate.account.WorkspaceRole role);
}
