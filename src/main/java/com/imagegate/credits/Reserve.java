package com.imagegate.credits;

/**
 * Holds {@code credits} of a workspace for a piece of work until it is captured or released.
 *
 * @param reference the work's id, e.g. {@code task_…}; capture and release name it
 * @param key the API key used and its budget, or {@code null} (e.g. the studio)
 */
public record Reserve(String workspaceId, long credits, String reference, KeyCap key, String actor) {

    public Reserve {
        References.id(workspaceId, "workspaceId");
        References.positive(credits);
        References.reference(reference);
        References.actor(actor);
    }
}
