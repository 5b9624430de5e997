/**
 * Image generation: tasks, sizes and pricing, the render job and reference images. Three nested
 * modules hold the adapters, each behind its own wall: {@code generation.provider} (the sandbox renderer),
 * {@code generation.upstream} (the OpenAI-compatible provider) and {@code generation.storage} (the filesystem and S3
 * image stores). They implement the ports of {@code generation.spi} and may use only generation's API and that named
 * interface, never {@code generation.internal}; generation's own code sees only the ports (no arrow from generation
 * to a nested module: Modulith would count it as a cycle), and no other module sees the nested ones. Publishes
 * {@link com.imagegate.generation.TaskEnded} inside the transaction that ends a task (the webhook module delivers task
 * webhooks from it), and offers {@link com.imagegate.generation.TaskEvents}, a task's live events for any node.
 */
@ApplicationModule(
        displayName = "Generation",
        allowedDependencies = {"credits", "fetch"})
package com.imagegate.generation;

import org.springframework.modulith.ApplicationModule;
