package com.imagegate.billing;

/** Which plan a workspace is on: what the API's rate limits and the task concurrency limit read. */
public interface Plans {

    /**
     * The workspace's plan now: its live Stripe subscription's plan, else Free, with the workspace's custom terms
     * ({@link WorkspaceOverrides}) applied. Two indexed reads, no transaction, no cache.
     */
    CurrentPlan current(String workspaceId);
}
