package com.imagegate.account;

import java.util.Optional;

/** The account module's public service: sign-up, who is signed in, and workspaces. */
public interface Accounts {

    /**
     * Creates a user with a personal workspace and publishes {@link UserSignedUp}.
     *
     * @return the new user's id
     * @throws AccountException when the email is already registered
     */
    String signUp(SignUp signUp);

    /**
     * The signed-in user (by the email their session carries) in the workspace they selected, or in their personal
     * workspace when the selection is missing or no longer theirs.
     */
    Optional<Member> member(String email, String selectedWorkspaceId);

    /** A workspace by id, if it exists. */
    Optional<WorkspaceSummary> workspace(String workspaceId);

    /**
     * Creates a team workspace owned by this user.
     *
     * @return the new workspace's id
     */
    String createWorkspace(String userId, String name);
}
