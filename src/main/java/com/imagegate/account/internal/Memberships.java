package com.imagegate.account.internal;

import com.imagegate.account.WorkspaceRole;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface Memberships extends JpaRepository<Membership, String> {

    Optional<Membership> findByWorkspaceIdAndUserId(String workspaceId, String userId);

    List<Membership> findByWorkspaceId(String workspaceId);

    long countByWorkspaceIdAndRole(String workspaceId, WorkspaceRole role);
}
