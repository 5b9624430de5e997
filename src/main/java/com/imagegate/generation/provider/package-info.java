/**
 * Nested module of generation: the local, deterministic sandbox renderer (an
 * {@link com.imagegate.generation.spi.ImageProvider}) and {@link com.imagegate.generation.provider.ImageEncoder},
 * which the upstream provider shares. Sees only generation's API and its {@code spi} ports.
 */
@ApplicationModule(
        displayName = "Generation > Provider",
        allowedDependencies = {"generation", "generation :: spi"})
package com.imagegate.generation.provider;

import org.springframework.modulith.ApplicationModule;
