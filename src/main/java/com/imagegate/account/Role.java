package com.imagegate.account;

/** A user's platform-wide role. Workspace roles (owner, admin, member) are separate. */
public enum Role {
    USER,
    ADMIN;

    /** The Spring Security authority for this role, e.g. {@code ROLE_ADMIN}. */
    public String authority() {
        return "ROLE_" + name();
    }
}
