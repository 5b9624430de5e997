/**
 * The credits ledger: lots with expiry, reserve / capture / release, grants, adjustments, balances and history.
 * Append-only; depends on no other module.
 */
@ApplicationModule(
        displayName = "Credits",
        allowedDependencies = {})
package com.imagegate.credits;

import org.springframework.modulith.ApplicationModule;
