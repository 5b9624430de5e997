/**
 * Nested module of generation: the OpenAI-compatible upstream provider (channels by priority and weight, retries,
 * cool-downs, image checks, the attempt log). Implements the provider SPI and downloads {@code url} answers through
 * the SSRF-guarded fetcher; sees generation's API, never its internals.
 */
@ApplicationModule(
        displayName = "Generation > Upstream",
        allowedDependencies = {"generation", "generation :: spi", "generation.provider", "fetch"})
package com.imagegate.generation.upstream;

import org.springframework.modulith.ApplicationModule;
