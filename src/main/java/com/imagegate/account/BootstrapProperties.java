package com.imagegate.account;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The first operator: when both are set and no admin exists yet, an admin with these credentials is created at start.
 *
 * @param adminEmail the admin's email ({@code IMAGEGATE_BOOTSTRAP_ADMIN_EMAIL})
 * @param adminPassword the admin's password ({@code IMAGEGATE_BOOTSTRAP_ADMIN_PASSWORD}); never logged
 */
@ConfigurationProperties("imagegate.bootstrap")
public record BootstrapProperties(String adminEmail, String adminPassword) {

    /** True when both the email and the password are set. */
    public boolean isConfigured() {
        return adminEmail != null && !adminEmail.isBlank() && adminPassword != null && !adminPassword.isEmpty();
    }

    @Override
    public String toString() {
        return "BootstrapProperties[adminEmail=" + adminEmail + ", adminPassword="
                + (adminPassword == null ? null : "***") + "]";
    }
}
