package com.imagegate.generation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The content policy that protects the operator's upstream account (docs/operations.md, "Content policy"): strikes
 * (content-policy refusals) and the pause they lead to, the admins' review of paused workspaces, and the prompt
 * denylist. Generation checks it when it accepts and when it starts a task; the admin console reviews and edits it.
 */
public interface ContentPolicy {

    /** True when the workspace's generation is paused for review. */
    boolean paused(String workspaceId);

    /** Paused workspaces, the ones not yet reviewed first, then the oldest pause first. */
    List<PausedWorkspace> pausedWorkspaces();

    /** A paused workspace with its strikes (newest first, at most {@code limit}); empty when it is not paused. */
    Optional<Review> review(String workspaceId, int limit);

    /**
     * Lifts the pause and clears the strikes (only strikes made later count); false when it was not paused. In the
     * caller's transaction.
     */
    boolean unpause(String workspaceId, String admin, String note);

    /** Keeps the pause, marked reviewed; false when it is not paused. In the caller's transaction. */
    boolean keepPaused(String workspaceId, String admin, String note);

    /** The denylist, alphabetically. */
    List<DeniedPhrase> denylist();

    /**
     * Adds a phrase (normalized: lower case, words separated by one space; a trailing {@code *} matches any word
     * starting so); refused with an {@link IllegalArgumentException} that says why. In the caller's transaction.
     */
    DeniedPhrase deny(String phrase, String admin);

    /** Removes a phrase; empty when there is no such entry. In the caller's transaction. */
    Optional<DeniedPhrase> allow(String id);

    record PausedWorkspace(
            String workspaceId, Instant pausedAt, int strikes, Instant reviewedAt, String reviewedBy, String note) {
        public boolean reviewed() {
            return reviewedAt != null;
        }
    }

    record Review(PausedWorkspace pause, List<Strike> strikes) {}

    /** One refusal: {@code source} is {@code denylist}, {@code moderation} or {@code upstream}. */
    record Strike(Instant at, String source, String taskId, String prompt) {}

    record DeniedPhrase(String id, String phrase, Instant createdAt, String createdBy) {}

    /**
     * A workspace's generation was paused (published inside the transaction that pauses it, once per pause), for the
     * owners' mail.
     */
    record WorkspacePaused(String workspaceId, int strikes, Instant at) {}
}
