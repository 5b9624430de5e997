/**
 * Users, workspaces (the tenants), memberships and roles; sign-up and sign-in (password, OAuth2/OIDC); the
 * bootstrap admin.
 */
@ApplicationModule(displayName = "Accounts", allowedDependencies = "credits")
package com.imagegate.account;

import org.springframework.modulith.ApplicationModule;
