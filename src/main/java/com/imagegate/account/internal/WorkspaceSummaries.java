package com.imagegate.account.internal;

import com.imagegate.AuthCache;
import com.imagegate.ImagegateProperties;
import com.imagegate.account.WorkspaceSummary;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Workspaces as the API's suspension check sees them on every call: read by id, reused for
 * {@code imagegate.auth-cache-ttl}, forgotten on this node when a suspension commits.
 */
@Component
class WorkspaceSummaries {

    private final Workspaces workspaces;
    private final AuthCache<String, WorkspaceSummary> recent;

    WorkspaceSummaries(Workspaces workspaces, ImagegateProperties properties) {
        this.workspaces = workspaces;
        this.recent = new AuthCache<>(properties, 10_000);
    }

    Optional<WorkspaceSummary> find(String workspaceId) {
        return Optional.ofNullable(recent.get(
                workspaceId, id -> workspaces.lookup(id).map(Workspace::summary).orElse(null)));
    }

    /** After the current transaction commits, this workspace is read anew. */
    void changed(String workspaceId) {
        recent.invalidateAfterCommit(workspaceId);
    }
}
