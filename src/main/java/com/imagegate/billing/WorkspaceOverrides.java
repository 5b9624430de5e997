package com.imagegate.billing;

/**
 * Custom terms per workspace ({@link CustomTerms}): requests per minute, concurrent tasks and a price multiplier that
 * win over the plan's where set. {@link Plans#current} applies them, so every reader of a workspace's limits (the API,
 * the OpenAI drop-in, the studio, {@code /app}) and of its price multiplier sees the effective terms. They are read
 * from the database on every call (no cache): a change applies to the next request on every node.
 */
public interface WorkspaceOverrides {

    /** The workspace's custom terms; {@link CustomTerms#NONE} when it has none. */
    CustomTerms get(String workspaceId);

    /**
     * Replaces the workspace's custom terms ({@link CustomTerms#NONE} clears them: back to the plan's defaults), in the
     * caller's transaction, under a row lock so concurrent changes of one workspace are serialized.
     *
     * @param actor who changed them ({@code admin:<user id>}), kept with the row
     * @return the terms before the change
     */
    CustomTerms set(String workspaceId, CustomTerms terms, String actor);
}
