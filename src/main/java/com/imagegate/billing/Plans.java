package com.imagegate.billing;

/** Which plan a workspace is on: what the API's rate limits and the task concurrency limit read. */
public interface Plans {

    /** The workspace's plan now: its live Stripe subscription's plan, else Free. One indexed read, no transaction. */
    CurrentPlan current(String workspaceId);
}
