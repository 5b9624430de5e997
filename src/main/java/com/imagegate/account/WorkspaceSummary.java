package com.imagegate.account;

/**
 * A workspace (tenant) as other modules see it.
 *
 * @param id {@code ws_…}
 * @param name its display name
 * @param personal true for the workspace every user gets at sign-up
 * @param suspended true when an admin has suspended it
 */
public record WorkspaceSummary(String id, String name, boolean personal, boolean suspended) {}
