package com.imagegate.apikey;

import com.imagegate.account.Member;
import java.util.List;
import java.util.Optional;

/** The API-key module's public service: keys of a workspace, and authenticating the secrets API calls carry. */
public interface ApiKeys {

    /**
     * Creates a key in the member's current workspace, recorded as theirs. The secret is returned here and never
     * again.
     *
     * @throws ApiKeyException when the expiry date is in the past or too far ahead
     * @throws org.springframework.security.access.AccessDeniedException when the member is not an owner or admin
     */
    CreatedApiKey create(Member by, NewApiKey key);

    /** The workspace's keys, newest first, revoked and expired ones included. */
    List<ApiKeySummary> list(String workspaceId);

    /** One key of this workspace; empty for an unknown id or another workspace's key. */
    Optional<ApiKeySummary> find(String workspaceId, String keyId);

    /**
     * Revokes a key of the member's current workspace at once. Revoking a revoked key changes nothing.
     *
     * @return false when the workspace has no key with this id (another workspace's key included)
     * @throws org.springframework.security.access.AccessDeniedException when the member is not an owner or admin
     */
    boolean revoke(Member by, String keyId);

    /**
     * Keys whose visible prefix starts with the text (e.g. {@code ig_live_AbC1}), across all workspaces: for the
     * admin console's search. At least 8 characters; newest first.
     */
    List<WorkspaceKey> findByPrefix(String prefix, int limit);

    /**
     * Revokes a key of this workspace as a platform operator (the admin console). Revoking a revoked key changes
     * nothing.
     *
     * @return false when the workspace has no key with this id
     */
    boolean revokeAsOperator(String workspaceId, String keyId, String operatorUserId);

    /** A key and the workspace it belongs to. */
    record WorkspaceKey(String workspaceId, ApiKeySummary key) {}

    /**
     * The key a presented secret belongs to, when that key exists and is neither revoked nor expired; records its
     * use (coalesced to at most one write per key per minute, off the caller's path).
     *
     * @param secret what followed {@code Bearer} in the request
     * @param clientAddress the caller's IP address, for "last used from"
     */
    Optional<ApiKeyPrincipal> authenticate(String secret, String clientAddress);
}
