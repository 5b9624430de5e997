/**
 * Image generation: tasks, sizes and pricing, the render job, providers (openai, sandbox), reference-image
 * fetching and image storage. Publishes {@link com.imagegate.generation.TaskEnded} inside the transaction that ends
 * a task (the webhook module delivers task webhooks from it).
 */
@ApplicationModule(displayName = "Generation", allowedDependencies = "credits")
package com.imagegate.generation;

import org.springframework.modulith.ApplicationModule;
