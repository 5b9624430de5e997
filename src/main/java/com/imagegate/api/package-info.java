/**
 * The public REST API (v1 and the OpenAI drop-in): controllers, the OpenAI error format, rate limits and
 * idempotency.
 */
@ApplicationModule(
        displayName = "Public API",
        allowedDependencies = {"generation", "apikey", "credits", "account", "billing"})
package com.imagegate.api;

import org.springframework.modulith.ApplicationModule;
