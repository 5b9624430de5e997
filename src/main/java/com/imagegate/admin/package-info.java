/**
 * The admin console: users, usage, tasks, refunds and adjustments with an audit log, suspensions. Read-mostly
 * over the other modules' public services. Its pages live in web's shell ({@code web :: shell}): its controllers
 * are {@code @ShellPage}s and it guards {@code /admin/**} with its own {@code ShellAccess} rule.
 */
@ApplicationModule(
        displayName = "Admin console",
        allowedDependencies = {"account", "apikey", "credits", "generation", "billing", "web :: shell"})
package com.imagegate.admin;

import org.springframework.modulith.ApplicationModule;
