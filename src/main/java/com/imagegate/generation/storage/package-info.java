/**
 * Nested module of generation: where image files live, the filesystem or an S3-compatible bucket (each an
 * {@link com.imagegate.generation.spi.ImageStore}), with the {@code storage} health component. Sees only
 * generation's API and its {@code spi} ports.
 */
@ApplicationModule(
        displayName = "Generation > Storage",
        allowedDependencies = {"generation", "generation :: spi"})
package com.imagegate.generation.storage;

import org.springframework.modulith.ApplicationModule;
