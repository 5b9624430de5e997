/**
 * The ports generation's nested modules implement: {@link com.imagegate.generation.spi.ImageProvider} (with its
 * request, images and failure) for {@code generation.provider} and {@code generation.upstream}, and
 * {@link com.imagegate.generation.spi.ImageStore} for {@code generation.storage}. Generation's own code uses only
 * these interfaces and receives the implementations as beans, so it never depends on a nested module (Modulith
 * counts parent and nested modules as slices that must not form a cycle). Exposed as the named interface
 * {@code generation :: spi}.
 */
@NamedInterface("spi")
package com.imagegate.generation.spi;

import org.springframework.modulith.NamedInterface;
