/**
 * The admin console: users, usage, tasks, refunds and adjustments with an audit log, suspensions. Read-mostly
 * over the other modules' public services.
 */
@ApplicationModule(displayName = "Admin console")
package com.imagegate.admin;

import org.springframework.modulith.ApplicationModule;
