/**
 * API keys: creation (secret shown once), hashing, revocation, expiry, last use, and Bearer authentication of API
 * calls.
 */
@ApplicationModule(displayName = "API keys", allowedDependencies = "account")
package com.imagegate.apikey;

import org.springframework.modulith.ApplicationModule;
